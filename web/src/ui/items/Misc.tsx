// The smaller thread pieces: generated images, notices, errors, progress, and the
// end-of-turn actions (copy, feedback, retry).

import { useState } from "preact/hooks";
import type { GeneratedImageItem, ThreadItem } from "../../protocol/types";
import type { Notice, Progress, TurnError } from "../../state/reducer";
import { useController, useImagePolicy, useStrings } from "../context";
import { Icon } from "../icons";
import { Markdown } from "../Markdown";
import { memo } from "../memo";

export function GeneratedImageView({ item }: { item: GeneratedImageItem }) {
  const t = useStrings();
  const images = useImagePolicy();
  const url = item.image?.url;
  const progress = item.progress;
  const ok = url && (url.startsWith("data:image/") || images.allowed(url));
  return (
    <figure class="ck-generated" data-item-id={item.id}>
      {ok ? (
        <img src={url} alt="" class={progress !== undefined && progress < 1 ? "ck-partial" : undefined} />
      ) : (
        <div class="ck-image-placeholder ck-shimmer" />
      )}
      {progress !== undefined && progress < 1 && (
        <figcaption>
          <progress value={progress} max={1} aria-label={t.generatingImage} /> {t.generatingImage}
        </figcaption>
      )}
    </figure>
  );
}

export function NoticeView({ notice }: { notice: Notice }) {
  return (
    <div class={`ck-notice ck-notice-${notice.level}`} role={notice.level === "danger" ? "alert" : "status"}>
      <Icon name={notice.level === "info" ? "info" : "circle-question"} />
      <div>
        {notice.title && <strong class="ck-notice-title">{notice.title}</strong>}
        <Markdown text={notice.message} />
      </div>
    </div>
  );
}

export function ErrorView({ error }: { error: TurnError }) {
  const c = useController();
  const t = useStrings();
  return (
    <div class="ck-error" role="alert" data-code={error.code}>
      <span>{error.message || t.errorGeneric}</span>
      {error.allowRetry && (
        <button type="button" class="ck-btn" disabled={c.busy.value} onClick={() => void c.fromUi(() => c.retryAfterError())}>
          <Icon name="reload" /> {t.retry}
        </button>
      )}
    </div>
  );
}

export function ProgressView({ progress }: { progress: Progress }) {
  return (
    <div class="ck-progress ck-shimmer" role="status">
      {progress.icon ? <Icon name={progress.icon} /> : <span class="ck-spinner" aria-hidden="true" />}
      <span>{progress.text}</span>
    </div>
  );
}

function turnText(items: ThreadItem[]): string {
  return items
    .map((i) => (i.type === "assistant_message" ? i.content.map((p) => p.text).join("\n") : i.type === "widget" ? (i.copy_text ?? "") : ""))
    .filter(Boolean)
    .join("\n\n");
}

export const TurnActions = memo(function TurnActions({ lastItemId, userId }: { lastItemId: string; userId: string | null }) {
  const c = useController();
  const t = useStrings();
  const [copied, setCopied] = useState(false);
  const { feedback, retry } = c.options.value.threadItemActions;
  const given = c.feedback.value[lastItemId];
  const ids = (): string[] => c.turnItems(lastItemId).map((i) => i.id);
  return (
    <div class="ck-turn-actions" role="group" aria-label={t.actionsMenu}>
      <button
        type="button"
        class="ck-icon-btn"
        aria-label={copied ? t.copied : t.copy}
        title={copied ? t.copied : t.copy}
        data-action="copy"
        onClick={() => {
          void navigator.clipboard?.writeText(turnText(c.turnItems(lastItemId))).catch(() => {});
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        <Icon name={copied ? "check" : "copy"} />
      </button>
      {feedback && (
        <>
          <button
            type="button"
            class="ck-icon-btn"
            aria-label={t.goodResponse}
            title={t.goodResponse}
            aria-pressed={given === "positive"}
            data-action="feedback-positive"
            disabled={!!given}
            onClick={() => void c.fromUi(() => c.sendFeedback(ids(), "positive"))}
          >
            <Icon name="thumbs-up" />
          </button>
          <button
            type="button"
            class="ck-icon-btn"
            aria-label={t.badResponse}
            title={t.badResponse}
            aria-pressed={given === "negative"}
            data-action="feedback-negative"
            disabled={!!given}
            onClick={() => void c.fromUi(() => c.sendFeedback(ids(), "negative"))}
          >
            <Icon name="thumbs-down" />
          </button>
          {given && (
            <span class="ck-muted ck-feedback-thanks" role="status">
              {t.feedbackThanks}
            </span>
          )}
        </>
      )}
      {retry && userId && (
        <button
          type="button"
          class="ck-icon-btn"
          aria-label={t.retry}
          title={t.retry}
          data-action="retry"
          onClick={() => void c.fromUi(() => c.retryFrom(userId))}
        >
          <Icon name="reload" />
        </button>
      )}
    </div>
  );
});
