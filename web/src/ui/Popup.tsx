// A listbox popup for the composer (@-mentions, / commands): the textarea keeps focus
// and drives it with arrow keys (aria-activedescendant), so typing is never interrupted.
import type { ComponentChildren } from "preact";

export type PopupOption = { id: string; label: string; description?: string; icon?: string; group?: string; disabled?: boolean };

export function Popup({
  id,
  options,
  active,
  onChoose,
  onHover,
  empty,
  footer,
}: {
  id: string;
  options: PopupOption[];
  active: number;
  onChoose: (index: number) => void;
  onHover: (index: number) => void;
  empty: string;
  footer?: ComponentChildren;
}) {
  let lastGroup: string | undefined;
  return (
    <div class="ck-popup">
      <ul id={id} role="listbox" class="ck-popup-list">
        {options.length === 0 && <li class="ck-muted ck-popup-empty">{empty}</li>}
        {options.map((o, i) => {
          const header = o.group && o.group !== lastGroup ? o.group : null;
          lastGroup = o.group;
          return [
            header && (
              <li key={`g-${header}`} role="presentation" class="ck-popup-group">
                {header}
              </li>
            ),
            <li
              key={o.id}
              id={`${id}-${i}`}
              role="option"
              aria-selected={i === active}
              aria-disabled={o.disabled || undefined}
              class={`ck-popup-option${i === active ? " ck-active" : ""}`}
              onMouseDown={(e) => {
                e.preventDefault(); // keep focus in the textarea
                if (!o.disabled) onChoose(i);
              }}
              onMouseEnter={() => onHover(i)}
            >
              <span class="ck-popup-label">{o.label}</span>
              {o.description && <span class="ck-muted ck-popup-desc">{o.description}</span>}
            </li>,
          ];
        })}
      </ul>
      {footer}
    </div>
  );
}
