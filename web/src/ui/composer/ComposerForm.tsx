// The composer form: puts the pieces together and owns what they share (the draft's
// send rule, the typeahead, dictation, file intake). Each piece is its own component.
import { useRef } from "preact/hooks";
import type { Entity } from "../../options";
import { useController, useStrings } from "../context";
import { EntityPreview } from "../EntityPreview";
import { Icon } from "../icons";
import { Popup } from "../Popup";
import { useDictation } from "../useDictation";
import { useTypeahead } from "../useTypeahead";
import { ComposerBar } from "./ComposerBar";
import { ComposerInput } from "./ComposerInput";
import { Uploads } from "./Uploads";
import { useFileDrop } from "./useFileDrop";

const POPUP_ID = "ck-typeahead";

export function ComposerForm({ locked, lockedReason }: { locked: boolean; lockedReason: string | undefined }) {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const comp = c.composer;
  const textarea = useRef<HTMLTextAreaElement>(null);
  const ta = useTypeahead(c, textarea);
  const dictation = useDictation(c, (text) => {
    const v = comp.text.value;
    comp.text.value = v ? `${v}${/\s$/.test(v) ? "" : " "}${text}` : text;
  });
  const tool = opts.composer.tools.find((x) => x.id === comp.toolId.value);
  const placeholder = locked ? (lockedReason ?? t.threadLocked) : (tool?.placeholderOverride ?? opts.composer.placeholder ?? t.placeholder);
  const canSend = !locked && !c.busy.value && !comp.uploading.value && !comp.isEmpty.value;
  const attachEnabled = opts.composer.attachments.enabled && !locked;
  const addFiles = (files: FileList | null | undefined): void => {
    if (files?.length) void c.uploads.add([...files]);
  };
  const drop = useFileDrop(attachEnabled, addFiles);

  const send = (): void => {
    if (!canSend) return;
    ta.close();
    void c.fromUi(() => c.submitComposer());
  };

  return (
    <form
      class={`ck-composer${drop.dragging ? " ck-dragging" : ""}${locked ? " ck-locked" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      {...drop.handlers}
    >
      {drop.dragging && <div class="ck-drop-hint">{t.dropFiles}</div>}
      <QuoteChip />
      <Uploads />
      {ta.mode && (
        <div class="ck-typeahead">
          <Popup id={POPUP_ID} options={ta.options} active={ta.active} onChoose={ta.choose} onHover={ta.setActive} empty={t.noResults} />
          {ta.mode.kind === "mention" && <EntityPreview entity={ta.activeEntity() as Entity | undefined} />}
        </div>
      )}
      <ComposerInput
        textarea={textarea}
        typeahead={ta}
        placeholder={placeholder}
        locked={locked}
        popupId={POPUP_ID}
        onSend={send}
        onPasteFiles={attachEnabled ? addFiles : null}
      />
      <ComposerBar
        locked={locked}
        canSend={canSend}
        attachEnabled={attachEnabled}
        addFiles={addFiles}
        startMention={ta.startMention}
        dictation={dictation}
      />
    </form>
  );
}

/** The text being replied to (`setComposerValue({reply})`), with a way to drop it. */
function QuoteChip() {
  const c = useController();
  const t = useStrings();
  const quote = c.composer.quote.value;
  if (!quote) return null;
  return (
    <div class="ck-quote-chip">
      <span class="ck-muted">{t.quoted}</span>
      <blockquote>{quote}</blockquote>
      <button type="button" class="ck-icon-btn" aria-label={t.clearQuote} onClick={() => (c.composer.quote.value = null)}>
        <Icon name="close" size={12} />
      </button>
    </div>
  );
}
