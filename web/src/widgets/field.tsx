// What every form control shares: the visible validation message (the browser's own
// text, shown under the control when a submit finds it invalid), and the classes for
// control variants and sizes.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { type FieldIds, useFieldIds } from "./fieldIds";
import { oneOf, str } from "./props";
import type { WidgetNode } from "./types";

type Validatable = { validity: ValidityState; validationMessage: string };

export type FieldError = {
  error: string;
  /** For the control's `invalid` event, which `validateForm` triggers. */
  onInvalid: (e: Event) => void;
  /** After an edit: updates or clears a message that is showing. */
  recheck: (el: Validatable) => void;
};

export function useFieldError(): FieldError {
  const [error, setError] = useState("");
  return {
    error,
    onInvalid: (e) => {
      e.preventDefault(); // our message replaces the browser's bubble
      setError((e.currentTarget as unknown as Validatable).validationMessage);
    },
    recheck: (el) => {
      if (error) setError(el.validity.valid ? "" : el.validationMessage);
    },
  };
}

/** A control with its validation message below; `describedBy` ties the two. */
export function Field({ name, error, class: cls, children }: { name: string; error: string; class?: string; children: ComponentChildren }) {
  const ids = useFieldIds();
  return (
    <div class={`ckw-field${cls ? ` ${cls}` : ""}`}>
      {children}
      {error && (
        <p class="ckw-field-error" id={ids.error(name)} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** aria attributes of a control that may show a validation message. */
export function invalidProps(ids: FieldIds, name: string, error: string): { "aria-invalid"?: true; "aria-describedby"?: string } {
  return error ? { "aria-invalid": true, "aria-describedby": ids.error(name) } : {};
}

const VARIANTS = ["solid", "soft", "outline", "ghost"] as const;
const SIZES = ["3xs", "2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl"] as const;
export const controlSize = (v: unknown): string => oneOf(v, SIZES) ?? "md";

/** Classes of an input-like control: variant, size, pill, block. */
export function controlClass(node: WidgetNode, fallback: (typeof VARIANTS)[number]): string {
  const variant = oneOf(node.variant, VARIANTS) ?? fallback;
  return `ckw-input ckw-input-${variant} ckw-size-${controlSize(node.size)}${node.pill ? " ckw-pill" : ""}${node.block ? " ckw-block" : ""}`;
}

const GUTTERS: Record<string, string> = { "2xs": "4px", xs: "6px", sm: "8px", md: "12px", lg: "16px", xl: "20px" };
/** The horizontal padding inside a text control. */
export const gutter = (v: unknown): Record<string, string> => {
  const g = GUTTERS[str(v) ?? ""];
  return g ? { "--ckw-gutter": g } : {};
};
