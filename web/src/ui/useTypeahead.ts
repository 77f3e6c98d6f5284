// @-mentions and / commands: watch the text before the caret, query the page's search
// callback, and let the keyboard pick a result.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Command, Entity } from "../options";
import { entityToTag, tagText } from "../state/composer";
import type { ChatController } from "../state/controller";
import type { PopupOption } from "./Popup";

type Mode = { kind: "mention" | "command"; query: string; start: number } | null;

const MENTION = /(^|\s)@([^\s@]{0,40})$/;
const COMMAND = /^\/(\S{0,40})$/;

export function useTypeahead(c: ChatController, textarea: { current: HTMLTextAreaElement | null }) {
  const [mode, setMode] = useState<Mode>(null);
  const [options, setOptions] = useState<PopupOption[]>([]);
  const [active, setActive] = useState(0);
  const results = useRef<(Entity | Command)[]>([]);
  const submenu = useRef<Command[] | null>(null);
  const seq = useRef(0);

  /** Re-evaluates the trigger after each input or caret move. */
  const detect = (): void => {
    const el = textarea.current;
    if (!el) return;
    const before = el.value.slice(0, el.selectionStart ?? el.value.length);
    const opts = c.options.value;
    const m = opts.entities.onTagSearch ? MENTION.exec(before) : null;
    const cmd = opts.commands?.enabled && !m ? COMMAND.exec(before) : null;
    if (m) setMode({ kind: "mention", query: m[2]!, start: before.length - m[2]!.length - 1 });
    else if (cmd) setMode({ kind: "command", query: cmd[1]!, start: 0 });
    else close();
  };

  const close = (): void => {
    setMode(null);
    setOptions([]);
    submenu.current = null;
  };

  useEffect(() => {
    if (!mode) return;
    const id = ++seq.current;
    const opts = c.options.value;
    const show = (list: (Entity | Command)[]): void => {
      if (id !== seq.current) return;
      results.current = list;
      setActive(0);
      setOptions(
        list.map((x) => ({
          id: x.id,
          label: "title" in x ? x.title : x.label,
          description: "description" in x ? x.description : undefined,
          icon: x.icon,
          group: x.group,
        })),
      );
    };
    const search =
      mode.kind === "mention"
        ? opts.entities.onTagSearch?.(mode.query)
        : submenu.current
          ? Promise.resolve(submenu.current.filter((s) => s.label.toLowerCase().includes(mode.query.toLowerCase())))
          : opts.commands?.onSearch?.(mode.query);
    const timer = setTimeout(() => void Promise.resolve(search ?? []).then(show, (e: unknown) => c.reportError(e)), 0);
    return () => clearTimeout(timer);
  }, [mode?.kind, mode?.query]);

  /**
   * Replaces the text and puts the caret at `caret` now, not on the next render: a key
   * typed before that frame would otherwise land where the caret used to be.
   */
  const setText = (el: HTMLTextAreaElement, text: string, caret: number): void => {
    el.value = text;
    el.setSelectionRange(caret, caret);
    c.composer.text.value = text;
  };

  const replaceTrigger = (insert: string): void => {
    const el = textarea.current;
    if (!el || !mode) return;
    // The trigger is "@query" or "/query" at mode.start.
    const end = mode.start + 1 + mode.query.length;
    const text = el.value.slice(0, mode.start) + insert + el.value.slice(end);
    setText(el, text, mode.start + insert.length);
  };

  const insertEntity = (entity: Entity): void => {
    const tag = entityToTag(entity);
    c.composer.addTag(tag);
    replaceTrigger(`${tagText(tag)} `);
    close();
  };

  const choose = (index: number): void => {
    const picked = results.current[index];
    if (!picked || !mode) return;
    if (mode.kind === "mention") {
      insertEntity(picked as Entity);
      return;
    }
    const onSelect = c.options.value.commands?.onSelect;
    replaceTrigger("");
    close();
    void Promise.resolve(onSelect?.(picked as Command)).then(
      (sel) => {
        if (sel?.type === "entity") insertEntity(sel.entity);
        else if (sel?.type === "menu") {
          submenu.current = sel.commands;
          c.composer.text.value = `/${c.composer.text.value}`;
          setMode({ kind: "command", query: "", start: 0 });
        }
      },
      (e: unknown) => c.reportError(e),
    );
  };

  /** Returns true when the key was handled by the popup. */
  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!mode) return false;
    if (e.key === "Escape") {
      close();
      return true;
    }
    if (!options.length) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const n = options.length;
      setActive((a) => (a + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
      return true;
    }
    if (e.key === "Enter" || e.key === "Tab") {
      choose(active);
      return true;
    }
    return false;
  };

  /** Inserts "@" and opens the search (the composer's @ button). */
  const startMention = (): void => {
    const el = textarea.current;
    if (!el) return;
    const v = c.composer.text.value;
    const sep = v && !/\s$/.test(v) ? " " : "";
    const text = `${v}${sep}@`;
    el.focus();
    setText(el, text, text.length);
    detect();
  };

  return { mode, options, active, setActive, detect, choose, onKeyDown, close, startMention, activeEntity: () => results.current[active] };
}
