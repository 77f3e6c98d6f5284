// A pending structured_input item takes over the composer: one block per question,
// multiple choice (with an optional free answer) or free text; Skip or Submit.
import { useState } from "preact/hooks";
import type { StructuredInputItem } from "../protocol/types";
import { useController, useStrings } from "./context";

export function StructuredInputForm({ item }: { item: StructuredInputItem }) {
  const c = useController();
  const t = useStrings();
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  const [other, setOther] = useState<Record<string, string>>({});
  const busy = c.busy.value;
  const toggle = (id: string, value: string, multiple: boolean): void => {
    const cur = answers[id] ?? [];
    const next = multiple ? (cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value]) : [value];
    setAnswers({ ...answers, [id]: next });
  };
  const collected = (): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const input of item.inputs) {
      const extra = other[input.id]?.trim();
      out[input.id] = [...(answers[input.id] ?? []), ...(extra ? [extra] : [])];
    }
    return out;
  };
  return (
    <form
      class="ck-structured"
      onSubmit={(e) => {
        e.preventDefault();
        void c.fromUi(() => c.submitStructuredInput(item, collected(), false));
      }}
    >
      {item.inputs.map((input, qi) => (
        <fieldset key={input.id} class="ck-question">
          <legend>{input.question}</legend>
          {input.type === "freeform" ? (
            <>
              {input.description && <p class="ck-muted">{input.description}</p>}
              <textarea
                class="ck-input"
                rows={2}
                aria-label={input.question}
                autoFocus={qi === 0}
                value={other[input.id] ?? ""}
                onInput={(e) => setOther({ ...other, [input.id]: e.currentTarget.value })}
              />
            </>
          ) : (
            // biome-ignore lint/a11y/useAriaPropsSupportedByRole: group and radiogroup take aria-label (the role is computed)
            <div class="ck-choices" role={input.multiple ? "group" : "radiogroup"} aria-label={input.question}>
              {input.options.map((o) => {
                const on = (answers[input.id] ?? []).includes(o.value);
                return (
                  // biome-ignore lint/a11y/useAriaPropsSupportedByRole: its role is checkbox or radio (computed), which take aria-checked
                  <button
                    key={o.value}
                    type="button"
                    role={input.multiple ? "checkbox" : "radio"}
                    aria-checked={on}
                    class={`ck-choice${on ? " ck-active" : ""}`}
                    onClick={() => toggle(input.id, o.value, !!input.multiple)}
                  >
                    {o.value}
                  </button>
                );
              })}
              <input
                class="ck-input ck-choice-other"
                placeholder={t.otherAnswer}
                aria-label={`${input.question}: ${t.otherAnswer}`}
                value={other[input.id] ?? ""}
                onInput={(e) => setOther({ ...other, [input.id]: e.currentTarget.value })}
              />
            </div>
          )}
        </fieldset>
      ))}
      <div class="ck-structured-actions">
        <button type="button" class="ck-btn" disabled={busy} onClick={() => void c.fromUi(() => c.submitStructuredInput(item, {}, true))}>
          {t.skip}
        </button>
        <button type="submit" class="ck-btn ck-btn-primary" disabled={busy}>
          {t.submit}
        </button>
      </div>
    </form>
  );
}
