import type { UserMessageContentInput } from "../protocol/types";
import { useController, useStrings } from "./context";
import { Icon } from "./icons";

export function StartScreen() {
  const c = useController();
  const t = useStrings();
  const { greeting, prompts } = c.options.value.startScreen;
  const choose = (prompt: string | UserMessageContentInput[]): void => {
    const content: UserMessageContentInput[] = typeof prompt === "string" ? [{ type: "input_text", text: prompt }] : prompt;
    void c.fromUi(() => c.sendUserMessage({ content }));
  };
  return (
    <div class="ck-start">
      <h2 class="ck-greeting">{greeting ?? t.greeting}</h2>
      {prompts.length > 0 && (
        <ul class="ck-prompts">
          {prompts.map((p, i) => (
            <li key={i}>
              <button type="button" class="ck-prompt" onClick={() => choose(p.prompt)}>
                {p.icon && <Icon name={p.icon} />}
                <span>{p.label}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
