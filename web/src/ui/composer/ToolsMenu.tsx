// The composer's "+" menu: attach files and pick a tool (a plain attach button when
// there are no tools to list). Arrow keys move, Escape closes and returns focus.
import { useEffect, useRef, useState } from "preact/hooks";
import { useController, useStrings } from "../context";
import { Icon } from "../icons";

export function ToolsMenu({ onAttach }: { onAttach: (() => void) | null }) {
  const c = useController();
  const t = useStrings();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const tools = c.options.value.composer.tools.filter((x) => !x.pinned);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
  }, [open]);
  if (!tools.length && !onAttach) return null;
  if (!tools.length && onAttach) {
    return (
      <button type="button" class="ck-icon-btn" aria-label={t.attach} title={t.attach} data-action="attach" onClick={onAttach}>
        <Icon name="plus" size={18} />
      </button>
    );
  }
  const onKeyDown = (e: KeyboardEvent): void => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(e.target as HTMLElement);
    if (e.key === "Escape") {
      setOpen(false);
      (menu.current?.previousElementSibling as HTMLElement | null)?.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(at + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };
  return (
    <div class="ck-menu-anchor">
      <button
        type="button"
        class="ck-icon-btn"
        aria-label={t.tools}
        title={t.tools}
        aria-haspopup="menu"
        aria-expanded={open}
        data-action="tools"
        onClick={() => setOpen(!open)}
      >
        <Icon name="plus" size={18} />
      </button>
      {open && (
        <div
          class="ck-menu"
          role="menu"
          ref={menu}
          onKeyDown={onKeyDown}
          onFocusOut={(e) => !menu.current?.contains(e.relatedTarget as Node) && setOpen(false)}
        >
          {onAttach && (
            <button
              type="button"
              role="menuitem"
              class="ck-menu-item"
              onClick={() => {
                setOpen(false);
                onAttach();
              }}
            >
              <Icon name="paperclip" /> {t.attach}
            </button>
          )}
          {tools.map((tool) => (
            <button
              key={tool.id}
              type="button"
              role="menuitemradio"
              aria-checked={c.composer.toolId.value === tool.id}
              class="ck-menu-item"
              onClick={() => {
                c.selectTool(c.composer.toolId.value === tool.id ? null : tool.id);
                setOpen(false);
              }}
            >
              <Icon name={tool.icon} /> {tool.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
