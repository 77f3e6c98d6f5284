// The composer's text box: grows with its text (up to a limit), Enter sends and
// Shift+Enter breaks the line, the typeahead gets the keys it wants first, pasted files
// become attachments.
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { useController } from "../context";
import type { useTypeahead } from "../useTypeahead";

const MAX_HEIGHT = 200;
/** Leaving the box closes the typeahead after a moment, so a click on a result lands first. */
const BLUR_CLOSE_MS = 150;

type Props = {
  textarea: { current: HTMLTextAreaElement | null };
  typeahead: ReturnType<typeof useTypeahead>;
  placeholder: string;
  locked: boolean;
  popupId: string;
  onSend: () => void;
  onPasteFiles: ((files: FileList) => void) | null;
};

export function ComposerInput({ textarea, typeahead: ta, placeholder, locked, popupId, onSend, onPasteFiles }: Props) {
  const c = useController();
  const comp = c.composer;
  const blurClose = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    c.focusComposerHook = () => textarea.current?.focus();
    return () => {
      c.focusComposerHook = null;
      clearTimeout(blurClose.current);
    };
  }, []);
  useLayoutEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [comp.text.value]);

  const onKeyDown = (e: KeyboardEvent): void => {
    if (ta.onKeyDown(e)) e.preventDefault();
    else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      onSend();
    }
  };
  const onPaste = (e: ClipboardEvent): void => {
    const files = e.clipboardData?.files;
    if (onPasteFiles && files?.length) {
      e.preventDefault();
      onPasteFiles(files);
    }
  };

  return (
    <textarea
      ref={textarea}
      class="ck-textarea"
      rows={1}
      value={comp.text.value}
      placeholder={placeholder}
      aria-label={placeholder}
      disabled={locked}
      aria-controls={ta.mode ? popupId : undefined}
      aria-activedescendant={ta.mode && ta.options.length ? `${popupId}-${ta.active}` : undefined}
      aria-autocomplete={ta.mode ? "list" : undefined}
      onInput={(e) => {
        comp.text.value = e.currentTarget.value;
        ta.detect();
      }}
      onKeyDown={onKeyDown}
      onClick={ta.detect}
      // Coming back (the @ button focuses it) cancels a pending close from leaving.
      onFocus={() => clearTimeout(blurClose.current)}
      onBlur={() => {
        blurClose.current = setTimeout(ta.close, BLUR_CLOSE_MS);
      }}
      onPaste={onPaste}
    />
  );
}
