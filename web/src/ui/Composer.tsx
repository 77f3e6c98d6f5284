// The composer: auto-growing input, attachments (picker, paste, drag and drop), tool
// menu and pinned tools, model picker, @-mentions, / commands, dictation, send/stop.
// A closed thread replaces it with a banner; a pending structured input takes it over.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { acceptAttribute, type Entity } from "../options";
import type { WidgetRoot } from "../widgets/types";
import { Widget } from "./LazyWidget";
import { useController, useStrings } from "./context";
import { Icon } from "./icons";
import { AttachmentChip } from "./items/UserMessage";
import { Markdown } from "./Markdown";
import { Popup } from "./Popup";
import { StructuredInputForm } from "./StructuredInputForm";
import { useDictation } from "./useDictation";
import { useTypeahead } from "./useTypeahead";

const MAX_HEIGHT = 200;

function Uploads() {
  const c = useController();
  const t = useStrings();
  const uploads = c.composer.uploads.value;
  if (!uploads.length) return null;
  return (
    <ul class="ck-uploads">
      {uploads.map((u) => (
        <li key={u.localId} class={`ck-upload ck-upload-${u.status}`}>
          <AttachmentChip a={{ name: u.name, mime_type: u.mime, type: u.previewUrl ? "image" : "file", preview_url: u.attachment?.preview_url ?? u.previewUrl }} />
          {u.status === "uploading" && <progress class="ck-upload-progress" max={1} value={u.progress} aria-label={u.name} />}
          <button type="button" class="ck-upload-remove" aria-label={t.f("removeAttachment", { name: u.name })} onClick={() => void c.uploads.remove(u.localId)}>
            <Icon name="close" size={12} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function ToolsMenu({ onAttach }: { onAttach: (() => void) | null }) {
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
      <button type="button" class="ck-icon-btn" aria-label={t.tools} title={t.tools} aria-haspopup="menu" aria-expanded={open} data-action="tools" onClick={() => setOpen(!open)}>
        <Icon name="plus" size={18} />
      </button>
      {open && (
        <div class="ck-menu" role="menu" ref={menu} onKeyDown={onKeyDown} onFocusOut={(e) => !menu.current?.contains(e.relatedTarget as Node) && setOpen(false)}>
          {onAttach && (
            <button type="button" role="menuitem" class="ck-menu-item" onClick={() => (setOpen(false), onAttach())}>
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

function EntityPreview({ entity }: { entity: Entity | undefined }) {
  const c = useController();
  const [preview, setPreview] = useState<WidgetRoot | null>(null);
  const onRequestPreview = c.options.value.entities.onRequestPreview;
  useEffect(() => {
    setPreview(null);
    if (!entity || !entity.interactive || !onRequestPreview) return;
    let live = true;
    void onRequestPreview(entity).then((r) => live && setPreview(r?.preview ?? null), () => {});
    return () => {
      live = false;
    };
  }, [entity?.id]);
  if (!preview) return null;
  return (
    <div class="ck-entity-preview">
      <Widget
        root={preview}
        host={{
          action: async () => {},
          blocked: true,
          Markdown: (p) => <Markdown text={p.text} />,
          imageAllowed: () => true,
          strings: { showMore: "", showLess: "" },
          colorScheme: c.options.value.theme.colorScheme === "dark" ? "dark" : "light",
        }}
      />
    </div>
  );
}

function ComposerForm({ locked, lockedReason }: { locked: boolean; lockedReason: string | undefined }) {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const comp = c.composer;
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const ta = useTypeahead(c, textarea);
  const dictation = useDictation(c, (text) => {
    const v = comp.text.value;
    comp.text.value = v ? `${v}${/\s$/.test(v) ? "" : " "}${text}` : text;
  });
  const streaming = c.streaming.value;
  const allowCancel = c.allowCancel.value;
  const attachments = opts.composer.attachments;
  const tool = opts.composer.tools.find((x) => x.id === comp.toolId.value);
  const placeholder = locked ? (lockedReason ?? t.threadLocked) : (tool?.placeholderOverride ?? opts.composer.placeholder ?? t.placeholder);
  const canSend = !locked && !c.busy.value && !comp.uploading.value && !comp.isEmpty.value;

  useEffect(() => {
    c.focusComposerHook = () => textarea.current?.focus();
    return () => (c.focusComposerHook = null);
  }, []);
  useLayoutEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [comp.text.value]);

  const send = (): void => {
    if (!canSend) return;
    ta.close();
    void c.submitComposer().catch((e: unknown) => c.reportError(e));
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (ta.onKeyDown(e)) {
      e.preventDefault();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  };
  const addFiles = (files: FileList | File[] | null | undefined): void => {
    if (files && files.length) void c.uploads.add([...files]);
  };
  const attachEnabled = attachments.enabled && !locked;
  const popupId = "ck-typeahead";
  const pinned = opts.composer.tools.filter((x) => x.pinned);

  return (
    <form
      class={`ck-composer${dragging ? " ck-dragging" : ""}${locked ? " ck-locked" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={(e) => {
        if (!attachEnabled || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false);
        if (!attachEnabled) return;
        e.preventDefault();
        addFiles(e.dataTransfer?.files);
      }}
    >
      {dragging && <div class="ck-drop-hint">{t.dropFiles}</div>}
      {comp.quote.value && (
        <div class="ck-quote-chip">
          <span class="ck-muted">{t.quoted}</span>
          <blockquote>{comp.quote.value}</blockquote>
          <button type="button" class="ck-icon-btn" aria-label={t.clearQuote} onClick={() => (comp.quote.value = null)}>
            <Icon name="close" size={12} />
          </button>
        </div>
      )}
      <Uploads />
      {ta.mode && (
        <div class="ck-typeahead">
          <Popup id={popupId} options={ta.options} active={ta.active} onChoose={ta.choose} onHover={ta.setActive} empty={t.noResults} />
          {ta.mode.kind === "mention" && <EntityPreview entity={ta.activeEntity() as Entity | undefined} />}
        </div>
      )}
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
        onBlur={() => setTimeout(ta.close, 150)}
        onPaste={(e) => {
          const files = e.clipboardData?.files;
          if (attachEnabled && files?.length) {
            e.preventDefault();
            addFiles(files);
          }
        }}
      />
      <div class="ck-composer-bar">
        <ToolsMenu onAttach={attachEnabled ? () => fileInput.current?.click() : null} />
        {attachEnabled && (
          <input ref={fileInput} type="file" hidden multiple={attachments.maxCount > 1} accept={acceptAttribute(attachments.accept)} onChange={(e) => (addFiles(e.currentTarget.files), (e.currentTarget.value = ""))} />
        )}
        {pinned.map((p) => (
          <button
            key={p.id}
            type="button"
            class={`ck-chip${comp.toolId.value === p.id ? " ck-active" : ""}`}
            aria-pressed={comp.toolId.value === p.id}
            onClick={() => c.selectTool(comp.toolId.value === p.id ? null : p.id)}
          >
            <Icon name={p.icon} /> {p.shortLabel ?? p.label}
          </button>
        ))}
        {tool && !tool.pinned && (
          <span class="ck-chip ck-active">
            <Icon name={tool.icon} /> {tool.shortLabel ?? tool.label}
            <button type="button" class="ck-chip-x" aria-label={t.f("clearTool", { name: tool.label })} onClick={() => c.selectTool(null)}>
              <Icon name="close" size={12} />
            </button>
          </span>
        )}
        {opts.entities.onTagSearch && opts.entities.showComposerMenu && (
          <button type="button" class="ck-icon-btn" aria-label={t.mention} title={t.mention} onClick={ta.startMention}>
            <Icon name="at" size={18} />
          </button>
        )}
        <span class="ck-spacer" />
        {opts.composer.models.length > 0 && (
          <select class="ck-model" aria-label={t.model} value={comp.modelId.value ?? ""} onChange={(e) => (comp.modelId.value = e.currentTarget.value)}>
            {opts.composer.models.map((m) => (
              <option key={m.id} value={m.id} disabled={m.disabled} title={m.description}>
                {m.label}
              </option>
            ))}
          </select>
        )}
        {opts.composer.dictation && dictation.supported && (
          <button
            type="button"
            class={`ck-icon-btn${dictation.state === "recording" ? " ck-recording" : ""}`}
            aria-label={dictation.state === "recording" ? t.stopDictation : t.dictate}
            title={dictation.state === "transcribing" ? t.transcribing : dictation.state === "recording" ? t.stopDictation : t.dictate}
            aria-pressed={dictation.state === "recording"}
            disabled={locked || dictation.state === "transcribing"}
            onClick={dictation.toggle}
          >
            {dictation.state === "transcribing" ? <span class="ck-spinner" /> : <Icon name={dictation.state === "recording" ? "stop" : "mic"} size={18} />}
          </button>
        )}
        {streaming && allowCancel ? (
          <button type="button" class="ck-send ck-stop" aria-label={t.stop} title={t.stop} data-action="stop" onClick={() => c.stop()}>
            <Icon name="stop" size={18} />
          </button>
        ) : (
          <button type="submit" class="ck-send" aria-label={t.send} title={t.send} data-action="send" disabled={!canSend}>
            <Icon name="arrow-up" size={18} />
          </button>
        )}
      </div>
    </form>
  );
}

export function Composer() {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const status = c.thread.value?.status;
  const pending = c.pendingInput.value;
  return (
    <div class="ck-composer-area">
      {c.toast.value && (
        <div class="ck-toast" role="alert">
          <span>{c.toast.value}</span>
          <button type="button" class="ck-icon-btn" aria-label={t.cancel} onClick={() => (c.toast.value = null)}>
            <Icon name="close" size={12} />
          </button>
        </div>
      )}
      {status?.type === "closed" ? (
        <div class="ck-closed" role="status">
          {status.reason || t.threadClosed}
        </div>
      ) : pending ? (
        <StructuredInputForm key={pending.id} item={pending} />
      ) : (
        <ComposerForm locked={status?.type === "locked"} lockedReason={status?.type === "locked" ? status.reason : undefined} />
      )}
      {opts.disclaimer && (
        <div class={`ck-disclaimer${opts.disclaimer.highContrast ? " ck-high-contrast" : ""}`}>
          <Markdown text={opts.disclaimer.text} />
        </div>
      )}
    </div>
  );
}
