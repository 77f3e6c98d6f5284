// The row under the text box: attach and tools, pinned and selected tools, @-mention,
// model picker, dictation, and Send (Stop while a cancellable reply streams).
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import { acceptAttribute } from "../../options";
import { useController, useStrings } from "../context";
import { Icon } from "../icons";
import type { useDictation } from "../useDictation";
import { ToolsMenu } from "./ToolsMenu";

type Props = {
  locked: boolean;
  canSend: boolean;
  attachEnabled: boolean;
  addFiles: (files: FileList | null) => void;
  startMention: () => void;
  dictation: ReturnType<typeof useDictation>;
};

export function ComposerBar({ locked, canSend, attachEnabled, addFiles, startMention, dictation }: Props) {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const fileInput = useRef<HTMLInputElement>(null);
  const attachments = opts.composer.attachments;
  return (
    <div class="ck-composer-bar">
      <ToolsMenu onAttach={attachEnabled ? () => fileInput.current?.click() : null} />
      {attachEnabled && (
        <input
          ref={fileInput}
          type="file"
          hidden
          multiple={attachments.maxCount > 1}
          accept={acceptAttribute(attachments.accept)}
          onChange={(e) => {
            addFiles(e.currentTarget.files);
            e.currentTarget.value = "";
          }}
        />
      )}
      <ToolChips />
      {opts.entities.onTagSearch && opts.entities.showComposerMenu && (
        <IconButton label={t.mention} onClick={startMention}>
          <Icon name="at" size={18} />
        </IconButton>
      )}
      <span class="ck-spacer" />
      <ModelPicker />
      {opts.composer.dictation && dictation.supported && <DictationButton dictation={dictation} locked={locked} />}
      <SendOrStop canSend={canSend} />
    </div>
  );
}

function IconButton({ label, onClick, children }: { label: string; onClick: () => void; children: ComponentChildren }) {
  return (
    <button type="button" class="ck-icon-btn" aria-label={label} title={label} onClick={onClick}>
      {children}
    </button>
  );
}

/** Pinned tools as toggles, and the tool picked from the menu as a removable chip. */
function ToolChips() {
  const c = useController();
  const t = useStrings();
  const tools = c.options.value.composer.tools;
  const selected = c.composer.toolId.value;
  const tool = tools.find((x) => x.id === selected);
  return (
    <>
      {tools
        .filter((x) => x.pinned)
        .map((p) => (
          <button
            key={p.id}
            type="button"
            class={`ck-chip${selected === p.id ? " ck-active" : ""}`}
            aria-pressed={selected === p.id}
            onClick={() => c.selectTool(selected === p.id ? null : p.id)}
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
    </>
  );
}

function ModelPicker() {
  const c = useController();
  const t = useStrings();
  const models = c.options.value.composer.models;
  if (!models.length) return null;
  return (
    <select
      class="ck-model"
      aria-label={t.model}
      value={c.composer.modelId.value ?? ""}
      onChange={(e) => (c.composer.modelId.value = e.currentTarget.value)}
    >
      {models.map((m) => (
        <option key={m.id} value={m.id} disabled={m.disabled} title={m.description}>
          {m.label}
        </option>
      ))}
    </select>
  );
}

function DictationButton({ dictation, locked }: { dictation: ReturnType<typeof useDictation>; locked: boolean }) {
  const t = useStrings();
  const { state } = dictation;
  const label = state === "recording" ? t.stopDictation : t.dictate;
  return (
    <button
      type="button"
      class={`ck-icon-btn${state === "recording" ? " ck-recording" : ""}`}
      aria-label={label}
      title={state === "transcribing" ? t.transcribing : label}
      aria-pressed={state === "recording"}
      disabled={locked || state === "transcribing"}
      onClick={dictation.toggle}
    >
      {state === "transcribing" ? <span class="ck-spinner" /> : <Icon name={state === "recording" ? "stop" : "mic"} size={18} />}
    </button>
  );
}

function SendOrStop({ canSend }: { canSend: boolean }) {
  const c = useController();
  const t = useStrings();
  if (c.streaming.value && c.allowCancel.value) {
    return (
      <button type="button" class="ck-send ck-stop" aria-label={t.stop} title={t.stop} data-action="stop" onClick={() => c.stop()}>
        <Icon name="stop" size={18} />
      </button>
    );
  }
  return (
    <button type="submit" class="ck-send" aria-label={t.send} title={t.send} data-action="send" disabled={!canSend}>
      <Icon name="arrow-up" size={18} />
    </button>
  );
}
