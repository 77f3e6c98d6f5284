// Firing actions from components: form values, blocking while a response streams, and
// the loading state (`self` on the component, `container` on the whole widget).
import { createContext } from "preact";
import { useContext, useState } from "preact/hooks";
import { formValues, mergePayload, setField, validateForm } from "./form";
import { type Loading, loadingBehavior, useHost } from "./host";
import type { ActionConfig } from "./types";

/** The nearest form (Form or Card asForm), if any. */
export const FormContext = createContext<{ current: HTMLFormElement | null } | null>(null);
/** Starts (+1) or ends (-1) a loading state of the whole widget. */
export const ContainerLoading = createContext<(delta: 1 | -1) => void>(() => {});

export type FireOptions = {
  /** Submitting: the form must be valid first. */
  validate?: boolean;
  /** A changed control outside any form still sends its own value under its name. */
  field?: { name: string; value: unknown };
};

export type Fire = {
  /** Resolves true once the action was handled, false if it was not sent (blocked, invalid). */
  fire: (action: ActionConfig, options?: FireOptions) => Promise<boolean>;
  /** The `self` loading state of the component that fired. */
  loading: boolean;
  /** Streamed server actions wait while a response streams; client and sync ones do not. */
  blocked: (action: ActionConfig | null) => boolean;
};

/**
 * `auto` is what `loadingBehavior: "auto"` means for the calling component. A component
 * that renders a form itself passes it as `ownForm` (context only reaches its children).
 */
export function useFire(auto: Loading, ownForm?: { current: HTMLFormElement | null }): Fire {
  const host = useHost();
  const context = useContext(FormContext);
  const form = ownForm ?? context;
  const setContainer = useContext(ContainerLoading);
  const [loading, setLoading] = useState(false);
  const blocked = (a: ActionConfig | null): boolean => !!a && host.blocked && a.handler !== "client" && a.streaming !== false;
  const fire = async (a: ActionConfig, options: FireOptions = {}): Promise<boolean> => {
    if (blocked(a) || loading) return false;
    const el = form?.current;
    if (options.validate && el && !validateForm(el)) return false;
    // The changed control's new value wins over the form's (its input may not show it yet).
    const own: Record<string, unknown> = {};
    if (options.field) setField(own, options.field.name, options.field.value);
    const values = el ? mergePayload(own, formValues(el)) : own;
    const action = { ...a, payload: mergePayload(a.payload, values as Record<string, unknown>) };
    const mode = loadingBehavior(a, auto);
    if (mode === "self") setLoading(true);
    if (mode === "container") setContainer(1);
    try {
      await host.action(action);
    } finally {
      if (mode === "self") setLoading(false);
      if (mode === "container") setContainer(-1);
    }
    return true;
  };
  return { fire, loading, blocked };
}
