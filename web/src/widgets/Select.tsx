// Select: a combobox button with a listbox popup (options may carry a description or be
// disabled), an optional search field (on by default above 15 options) and a clear
// button. The value reaches forms through a hidden input named like the control.
// The popup lives in the top layer (`popover`), so a Card's rounded clipping never
// cuts it off; it is placed under the button, or above when there is no room.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../ui/icons";
import type { NodeProps } from "./components";
import { controlClass } from "./field";
import { useFieldIds } from "./fieldIds";
import { useChangeAction } from "./fields";
import { useHost } from "./host";
import { list, str } from "./props";

type Option = { value: string; label: string; description?: string; disabled: boolean };

/** Above this many options the popup has a search field unless `searchable` says otherwise. */
export const SEARCH_THRESHOLD = 15;

export function readOptions(v: unknown): Option[] {
  return list(v).map((o) => {
    const value = str(o.value) ?? "";
    return { value, label: str(o.label) ?? value, description: str(o.description), disabled: o.disabled === true };
  });
}

/** Options whose label or description contains every word of the query. */
export function filterOptions(options: Option[], query: string): Option[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return options;
  return options.filter((o) => {
    const text = `${o.label} ${o.description ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The next enabled option from `from` in direction `step` (wrapping), or -1. */
export function nextEnabled(options: Option[], from: number, step: 1 | -1): number {
  for (let i = 1; i <= options.length; i++) {
    const at = (((from + step * i) % options.length) + options.length) % options.length;
    if (!options[at]!.disabled) return at;
  }
  return -1;
}

const GAP = 4;

function place(popup: HTMLElement, anchor: HTMLElement): void {
  const rect = anchor.getBoundingClientRect();
  const rtl = getComputedStyle(anchor).direction === "rtl";
  popup.style.minWidth = `${rect.width}px`;
  const height = popup.offsetHeight;
  const below = window.innerHeight - rect.bottom - GAP;
  const top = below >= height || below >= rect.top ? rect.bottom + GAP : Math.max(GAP, rect.top - GAP - height);
  popup.style.top = `${top}px`;
  popup.style.left = rtl
    ? `${Math.max(GAP, rect.right - popup.offsetWidth)}px`
    : `${Math.min(rect.left, window.innerWidth - popup.offsetWidth - GAP)}px`;
}

export function Select({ node }: NodeProps) {
  const host = useHost();
  const ids = useFieldIds();
  const name = str(node.name) ?? "";
  const options = readOptions(node.options);
  const searchable = typeof node.searchable === "boolean" ? node.searchable : options.length > SEARCH_THRESHOLD;
  const disabled = node.disabled === true;
  const [value, setValue] = useState(str(node.defaultValue) ?? "");
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(-1);
  const wrap = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const popup = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const { change, loading } = useChangeAction(node);
  const shown = filterOptions(options, searchable ? query : "");
  const selected = options.find((o) => o.value === value);
  const listId = `${ids.field(name)}-list`;
  const optionId = (i: number): string => `${listId}-${i}`;

  // A new default from the server (an updated widget) replaces the current choice.
  useEffect(() => setValue(str(node.defaultValue) ?? ""), [node.defaultValue]);

  const show = (): void => {
    if (disabled) return;
    const at = shown.findIndex((o) => o.value === value);
    setActive(at >= 0 ? at : nextEnabled(shown, -1, 1));
    setOpen(true);
  };
  const hide = (refocus: boolean): void => {
    setOpen(false);
    setQuery("");
    if (refocus) trigger.current?.focus();
  };
  const choose = (o: Option | undefined): void => {
    if (!o || o.disabled) return;
    hide(true);
    if (o.value === value) return;
    setValue(o.value);
    change(o.value);
  };

  useLayoutEffect(() => {
    const el = popup.current;
    if (!open || !el || !trigger.current) return;
    el.showPopover?.();
    place(el, trigger.current);
    search.current?.focus();
    const anchor = trigger.current;
    const reposition = (): void => place(el, anchor);
    const outside = (e: Event): void => {
      if (wrap.current && !e.composedPath().includes(wrap.current)) hide(false);
    };
    const root = anchor.getRootNode();
    root.addEventListener("scroll", reposition, true);
    window.addEventListener("resize", reposition);
    document.addEventListener("pointerdown", outside, true);
    return () => {
      root.removeEventListener("scroll", reposition, true);
      window.removeEventListener("resize", reposition);
      document.removeEventListener("pointerdown", outside, true);
    };
  }, [open]);

  useEffect(() => {
    if (open && active >= 0) popup.current?.querySelectorAll('[role="option"]')[active]?.scrollIntoView?.({ block: "nearest" });
  }, [open, active]);

  const onKey = (e: KeyboardEvent): void => {
    const typing = e.currentTarget === search.current;
    if (!open) {
      if (["ArrowDown", "ArrowUp", "Enter", " "].includes(e.key)) {
        e.preventDefault();
        show();
      }
      return;
    }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setActive(nextEnabled(shown, active, e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Home" || e.key === "End") {
      if (typing) return;
      e.preventDefault();
      setActive(e.key === "Home" ? nextEnabled(shown, -1, 1) : nextEnabled(shown, shown.length, -1));
    } else if (e.key === "Enter" || (e.key === " " && !typing)) {
      e.preventDefault();
      choose(shown[active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      hide(true);
    } else if (e.key === "Tab") {
      hide(false);
    } else if (!typing && e.key.length === 1) {
      // Typeahead on a list without search: jump to the next label starting with the key.
      const at = shown.findIndex((o, i) => i > active && !o.disabled && o.label.toLowerCase().startsWith(e.key.toLowerCase()));
      const first = shown.findIndex((o) => !o.disabled && o.label.toLowerCase().startsWith(e.key.toLowerCase()));
      if (at >= 0 || first >= 0) setActive(at >= 0 ? at : first);
    }
  };

  const combobox = {
    role: "combobox" as const,
    "aria-expanded": open,
    "aria-controls": listId,
    "aria-activedescendant": open && active >= 0 ? optionId(active) : undefined,
  };
  return (
    <div ref={wrap} class={`ckw-select${node.block ? " ckw-block" : ""}`} aria-busy={loading || undefined}>
      <input type="hidden" name={name} value={value} disabled={disabled} />
      <button
        ref={trigger}
        type="button"
        id={ids.field(name)}
        class={`${controlClass(node, "outline")} ckw-select-trigger`}
        disabled={disabled}
        aria-haspopup="listbox"
        aria-labelledby={`${ids.label(name)} ${ids.field(name)}`}
        {...(searchable && open ? { "aria-expanded": true } : combobox)}
        onClick={() => (open ? hide(true) : show())}
        onKeyDown={onKey}
      >
        <span class={`ckw-select-value${selected ? "" : " ckw-placeholder"}`}>
          {selected?.label ?? str(node.placeholder) ?? host.strings.select}
        </span>
        {loading ? <span class="ck-spinner" aria-hidden="true" /> : <Icon name="chevron-down" size={14} />}
      </button>
      {node.clearable === true && selected && !disabled && (
        <button
          type="button"
          class="ckw-clear ckw-select-clear"
          aria-label={host.strings.clear}
          onClick={() => choose({ value: "", label: "", disabled: false })}
        >
          <Icon name="close" size={12} />
        </button>
      )}
      {open && (
        <div ref={popup} popover="manual" class="ckw-popup">
          {searchable && (
            <input
              ref={search}
              class="ckw-select-search"
              type="text"
              value={query}
              placeholder={host.strings.search}
              aria-label={host.strings.search}
              aria-autocomplete="list"
              {...combobox}
              onInput={(e) => {
                const q = e.currentTarget.value;
                setQuery(q);
                setActive(nextEnabled(filterOptions(options, q), -1, 1));
              }}
              onKeyDown={onKey}
            />
          )}
          <ul id={listId} role="listbox" class="ckw-options" aria-labelledby={ids.label(name)}>
            {shown.map((o, i) => (
              <li
                key={o.value}
                id={optionId(i)}
                role="option"
                class={`ckw-option${i === active ? " ckw-active" : ""}`}
                aria-selected={o.value === value}
                aria-disabled={o.disabled || undefined}
                onPointerMove={() => !o.disabled && i !== active && setActive(i)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(o)}
              >
                <span class="ckw-option-label">{o.label}</span>
                {o.description && <span class="ckw-option-description">{o.description}</span>}
                {o.value === value && <Icon name="check" size={14} />}
              </li>
            ))}
            {!shown.length && <li class="ckw-option ckw-empty">{host.strings.noResults}</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
