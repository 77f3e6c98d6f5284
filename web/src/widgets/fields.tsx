// Form controls: Input, Textarea (and editable Text, through TextControl), Checkbox,
// RadioGroup, DatePicker. All are native controls, so forms collect and validate them;
// change actions (`onChangeAction`) send the control's value under its name.
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { Icon } from "../ui/icons";
import { useFire } from "./actions";
import { Calendar } from "./Calendar";
import type { NodeProps } from "./components";
import { controlClass, Field, gutter, invalidProps, useFieldError } from "./field";
import { useFieldIds } from "./fieldIds";
import { patternMatcher } from "./form";
import { actionProp, useHost } from "./host";
import { alignOf, sideOf } from "./placement";
import { list, num, oneOf, str } from "./props";
import type { Css } from "./style";
import type { ActionConfig } from "./types";

const INPUT_TYPES = ["number", "email", "text", "password", "tel", "url"] as const;

// Password managers and autofill extensions stay out unless the widget allows them.
const NO_AUTOFILL = { autocomplete: "off", "data-1p-ignore": "", "data-lpignore": "true", "data-bwignore": "", "data-form-type": "other" };

export type TextControlProps = {
  name: string;
  class: string;
  style?: Css;
  multiline?: boolean;
  inputType?: (typeof INPUT_TYPES)[number];
  defaultValue?: string;
  placeholder?: string;
  required?: boolean;
  pattern?: string;
  disabled?: boolean;
  autoFocus?: boolean;
  autoSelect?: boolean;
  autoComplete?: string;
  allowAutofill?: boolean;
  rows?: number;
  autoResize?: boolean;
  maxRows?: number;
};

/** Grows a textarea with its content, up to `maxRows` lines. */
function fitHeight(el: HTMLTextAreaElement, maxRows: number | undefined): void {
  const cs = getComputedStyle(el);
  const borders = parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth) || 0;
  const padding = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom) || 0;
  const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.4 || 20;
  el.style.height = "auto";
  const max = maxRows ? maxRows * line + padding + borders : Infinity;
  const wanted = el.scrollHeight + borders;
  el.style.height = `${Math.min(wanted, max)}px`;
  el.style.overflowY = wanted > max ? "auto" : "hidden";
}

/** A single-line input or a textarea, with `pattern` checked on textareas too. */
export function TextControl(p: TextControlProps) {
  const host = useHost();
  const ids = useFieldIds();
  const { error, onInvalid, recheck } = useFieldError();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  // Browsers ignore `pattern` on textareas: check it as a custom validity instead.
  const matches = useMemo(() => (p.multiline ? patternMatcher(p.pattern) : null), [p.multiline, p.pattern]);
  const sync = (): void => {
    const el = ref.current;
    if (!el) return;
    if (matches) el.setCustomValidity(matches(el.value) ? "" : host.strings.invalidFormat);
    if (p.multiline && p.autoResize) fitHeight(el, p.maxRows);
  };
  useLayoutEffect(sync, [p.defaultValue, matches]);
  useLayoutEffect(() => {
    if (p.autoFocus) ref.current?.focus({ preventScroll: true });
  }, []);
  const shared = {
    ref,
    id: ids.field(p.name),
    name: p.name,
    class: p.class,
    style: p.style,
    defaultValue: p.defaultValue,
    placeholder: p.placeholder,
    required: p.required,
    disabled: p.disabled,
    ...(p.allowAutofill ? {} : NO_AUTOFILL),
    ...(p.autoComplete ? { autocomplete: p.autoComplete } : {}),
    ...invalidProps(ids, p.name, error),
    onInvalid,
    onInput: (e: Event) => {
      sync();
      recheck(e.currentTarget as HTMLInputElement);
    },
    onFocus: p.autoSelect ? (e: FocusEvent) => (e.currentTarget as HTMLInputElement).select() : undefined,
  };
  return (
    <Field name={p.name} error={error}>
      {p.multiline ? (
        <textarea {...shared} rows={p.rows} />
      ) : (
        // Preact types `input` per `type` value (for ARIA roles); none is set here, so one member stands for all.
        <input {...shared} type={(p.inputType ?? "text") as "text"} pattern={p.pattern} />
      )}
    </Field>
  );
}

/** The props Input and Textarea share. */
function textProps({ node }: NodeProps, fallback: "outline"): Omit<TextControlProps, "multiline"> {
  return {
    name: str(node.name) ?? "",
    class: controlClass(node, oneOf(node.variant, ["soft", "outline"] as const) ?? fallback),
    style: gutter(node.gutterSize),
    defaultValue: str(node.defaultValue),
    placeholder: str(node.placeholder),
    required: node.required === true,
    pattern: str(node.pattern),
    disabled: node.disabled === true,
    autoFocus: node.autoFocus === true,
    autoSelect: node.autoSelect === true,
    allowAutofill: node.allowAutofillExtensions === true,
  };
}

export function Input(props: NodeProps) {
  return <TextControl {...textProps(props, "outline")} inputType={oneOf(props.node.inputType, INPUT_TYPES)} />;
}

export function Textarea(props: NodeProps) {
  const { node } = props;
  const rows = num(node.rows) ?? 3;
  return (
    <TextControl {...textProps(props, "outline")} multiline rows={rows} autoResize={node.autoResize === true} maxRows={num(node.maxRows)} />
  );
}

/** A control's change action: fired with the new value under the control's name. */
export function useChangeAction(node: NodeProps["node"]): { change: (value: unknown) => void; loading: boolean } {
  const action: ActionConfig | null = actionProp(node.onChangeAction);
  const { fire, loading } = useFire("none");
  const name = str(node.name) ?? "";
  return {
    change: (value) => {
      if (action) void fire(action, { field: { name, value } });
    },
    loading,
  };
}

const Busy = ({ on }: { on: boolean }) => (on ? <span class="ck-spinner ckw-busy" aria-hidden="true" /> : null);

export function Checkbox({ node }: NodeProps) {
  const ids = useFieldIds();
  const name = str(node.name) ?? "";
  const { error, onInvalid, recheck } = useFieldError();
  const { change, loading } = useChangeAction(node);
  return (
    <Field name={name} error={error}>
      <label class="ckw-check" aria-busy={loading || undefined}>
        <input
          type="checkbox"
          id={ids.field(name)}
          name={name}
          defaultChecked={node.defaultChecked === true}
          required={node.required === true}
          disabled={node.disabled === true}
          {...invalidProps(ids, name, error)}
          onInvalid={onInvalid}
          onChange={(e) => {
            recheck(e.currentTarget);
            change(e.currentTarget.checked);
          }}
        />
        {str(node.label) && <span>{str(node.label)}</span>}
        <Busy on={loading} />
      </label>
    </Field>
  );
}

export function RadioGroup({ node }: NodeProps) {
  const ids = useFieldIds();
  const name = str(node.name) ?? "";
  const { error, onInvalid, recheck } = useFieldError();
  const { change, loading } = useChangeAction(node);
  const ariaLabel = str(node.ariaLabel);
  return (
    <Field name={name} error={error}>
      <div
        role="radiogroup"
        id={ids.field(name)}
        class={`ckw-radio-group ckw-${node.direction === "row" ? "row" : "col"}`}
        aria-label={ariaLabel}
        aria-labelledby={ariaLabel ? undefined : ids.label(name)}
        aria-required={node.required === true || undefined}
        aria-busy={loading || undefined}
        {...invalidProps(ids, name, error)}
      >
        {list(node.options).map((o, i) => (
          <label key={str(o.value) ?? i} class="ckw-check">
            <input
              type="radio"
              name={name}
              value={str(o.value) ?? ""}
              defaultChecked={str(o.value) !== undefined && str(o.value) === str(node.defaultValue)}
              required={node.required === true}
              disabled={node.disabled === true || o.disabled === true}
              onInvalid={onInvalid}
              onChange={(e) => {
                recheck(e.currentTarget);
                change(e.currentTarget.value);
              }}
            />
            <span>{str(o.label) ?? str(o.value) ?? ""}</span>
          </label>
        ))}
        <Busy on={loading} />
      </div>
    </Field>
  );
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/;

/**
 * Whether an ISO value has a time of day. Midnight counts as none: the Python SDK sends
 * plain dates as midnight datetimes ("2025-06-01T00:00:00").
 */
export const hasTime = (v: unknown): boolean => {
  const time = ISO.exec(str(v) ?? "")?.[2];
  return !!time && time !== "00:00";
};

/**
 * An ISO date or datetime as the picker's input takes it: "YYYY-MM-DD", or with a time
 * "YYYY-MM-DDTHH:MM" (the wall-clock digits as written; no time-zone conversion).
 */
export const pickerValue = (v: unknown, withTime: boolean): string | undefined => {
  const m = ISO.exec(str(v) ?? "");
  if (!m) return undefined;
  return withTime ? `${m[1]}T${m[2] ?? "00:00"}` : m[1];
};

export function DatePicker({ node }: NodeProps) {
  const host = useHost();
  const ids = useFieldIds();
  const name = str(node.name) ?? "";
  const ref = useRef<HTMLInputElement>(null);
  // A time part anywhere (value, min or max) makes it a date-and-time picker.
  const withTime = [node.defaultValue, node.min, node.max].some(hasTime);
  const at = (v: unknown): string | undefined => pickerValue(v, withTime);
  const [value, setValue] = useState(at(node.defaultValue) ?? "");
  const { error, onInvalid, recheck } = useFieldError();
  const { change, loading } = useChangeAction(node);
  const disabled = node.disabled === true;
  const update = (next: string): void => {
    setValue(next);
    change(next);
  };
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const close = (): void => {
    setOpen(false);
    opener.current?.focus();
  };
  const pick = (day: string): void => {
    const input = ref.current;
    if (!input) return;
    // The calendar picks the day; a time already there (or min's) stays.
    const time = /T(\d{2}:\d{2})/.exec(input.value || at(node.min) || "")?.[1] ?? "00:00";
    input.value = withTime ? `${day}T${time}` : day;
    recheck(input);
    update(input.value);
    close();
  };
  return (
    <Field name={name} error={error} class={`ckw-date${node.block ? " ckw-block" : ""}`}>
      <div class="ckw-date-control" aria-busy={loading || undefined}>
        <input
          ref={ref}
          type={withTime ? "datetime-local" : "date"}
          id={ids.field(name)}
          name={name}
          class={controlClass(node, "outline")}
          defaultValue={at(node.defaultValue)}
          min={at(node.min)}
          max={at(node.max)}
          required={node.required === true}
          disabled={disabled}
          title={str(node.placeholder)}
          {...invalidProps(ids, name, error)}
          onInvalid={onInvalid}
          onChange={(e) => {
            recheck(e.currentTarget);
            update(e.currentTarget.value);
          }}
        />
        <button
          ref={opener}
          type="button"
          class="ckw-date-open"
          aria-label={str(node.placeholder) ?? host.strings.select}
          aria-haspopup="dialog"
          aria-expanded={open}
          disabled={disabled}
          onClick={() => (open ? close() : setOpen(true))}
        >
          <Icon name="calendar" size={16} />
        </button>
        {open && opener.current && (
          <Calendar
            anchor={opener.current.parentElement ?? opener.current}
            value={value.slice(0, 10)}
            min={at(node.min)}
            max={at(node.max)}
            side={sideOf(node.side)}
            align={alignOf(node.align)}
            onPick={pick}
            onClose={close}
          />
        )}
        {node.clearable === true && value && !disabled && (
          <button
            type="button"
            class="ckw-clear"
            aria-label={host.strings.clear}
            onClick={() => {
              if (ref.current) ref.current.value = "";
              update("");
            }}
          >
            <Icon name="close" size={14} />
          </button>
        )}
        <Busy on={loading} />
      </div>
    </Field>
  );
}
