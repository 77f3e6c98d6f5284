// Forms (Form, Card asForm): every named control's value is merged into the payload of
// an action fired inside the form. Dotted names nest; a value the payload already has
// wins over the form's. Validation is the browser's (`required`, `pattern`), plus
// `pattern` on textareas, which browsers do not check themselves.

type Values = Record<string, unknown>;

// Names come from the server: never let one reach an object's prototype.
const UNSAFE = new Set(["__proto__", "prototype", "constructor"]);
const isValues = (v: unknown): v is Values => !!v && typeof v === "object" && !Array.isArray(v);

/** Sets `value` at a dotted `name` unless something is already there. */
export function setField(target: Values, name: string, value: unknown): void {
  const path = name.split(".");
  if (path.some((k) => !k || UNSAFE.has(k))) return;
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!Object.hasOwn(node, key)) node[key] = {};
    const next = node[key];
    if (!isValues(next)) return; // a leaf is in the way
    node = next;
  }
  const last = path[path.length - 1]!;
  if (!Object.hasOwn(node, last)) node[last] = value;
}

/** The value a control contributes, or undefined when it contributes none. */
function fieldValue(el: Element): unknown {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) return undefined;
  if (!el.name || el.disabled) return undefined;
  if (el instanceof HTMLInputElement) {
    if (el.type === "checkbox") return el.checked;
    if (el.type === "radio") return el.checked ? el.value : undefined;
    if (el.type === "submit" || el.type === "button" || el.type === "reset") return undefined;
  }
  return el.value;
}

/** The named values of a form's controls, nested by dotted name. */
export function formValues(form: HTMLFormElement): Values {
  const values: Values = {};
  for (const el of Array.from(form.elements)) {
    const value = fieldValue(el);
    if (value !== undefined) setField(values, (el as HTMLInputElement).name, value);
  }
  return values;
}

function mergeInto(target: Values, values: Values): void {
  for (const [key, value] of Object.entries(values)) {
    const existing = target[key];
    if (!Object.hasOwn(target, key)) target[key] = value;
    else if (isValues(existing) && isValues(value)) {
      const copy = { ...existing };
      mergeInto(copy, value);
      target[key] = copy;
    }
  }
}

/** The action payload with form values added where the payload has no value of its own. */
export function mergePayload(payload: unknown, values: Values): unknown {
  if (!Object.keys(values).length) return payload;
  if (payload !== undefined && payload !== null && !isValues(payload)) return payload;
  const merged: Values = { ...((payload as Values | null) ?? {}) };
  mergeInto(merged, values);
  return merged;
}

/** `pattern` as the browser applies it: the whole value, with the `v` flag. */
export function patternMatcher(pattern: string | undefined): ((value: string) => boolean) | null {
  if (!pattern) return null;
  for (const flags of ["v", "u"]) {
    try {
      const re = new RegExp(`^(?:${pattern})$`, flags);
      return (value) => value === "" || re.test(value);
    } catch {
      // try the next flag; an invalid pattern is ignored, as browsers do
    }
  }
  return null;
}

/**
 * Checks every control of the form. Invalid controls get an `invalid` event (the
 * components show its message) and the first one takes focus.
 */
export function validateForm(form: HTMLFormElement): boolean {
  if (form.checkValidity()) return true;
  const first = Array.from(form.elements).find(
    (el) => el instanceof HTMLElement && "validity" in el && !(el as HTMLInputElement).validity.valid,
  );
  (first as HTMLElement | undefined)?.focus();
  return false;
}
