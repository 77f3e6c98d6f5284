// Forms (Form, Card asForm): every named control's value is merged into the payload of
// an action fired inside the form. Dotted names nest; existing payload keys win.

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (!(last in node)) node[last] = value;
}

export function formValues(form: HTMLFormElement): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const el of Array.from(form.elements)) {
    const field = el as HTMLInputElement;
    if (!field.name || field.disabled) continue;
    let value: unknown;
    if (field.type === "checkbox") value = field.checked;
    else if (field.type === "radio") {
      if (!field.checked) continue;
      value = field.value;
    } else value = field.value;
    setPath(values, field.name.split("."), value);
  }
  return values;
}

export function mergePayload(payload: unknown, values: Record<string, unknown>): unknown {
  if (payload !== undefined && payload !== null && typeof payload !== "object") return payload;
  const merged: Record<string, unknown> = { ...((payload as Record<string, unknown> | null) ?? {}) };
  for (const [k, v] of Object.entries(values)) setPath(merged, [k], v);
  return merged;
}
