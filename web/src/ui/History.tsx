// The history view: threads newest first, paged on demand, with rename and delete.
import { useState } from "preact/hooks";
import type { ThreadMetadata } from "../protocol/types";
import { useController, useStrings } from "./context";
import { Icon } from "./icons";

function Row({ thread }: { thread: ThreadMetadata }) {
  const c = useController();
  const t = useStrings();
  const { showRename, showDelete } = c.options.value.history;
  const [mode, setMode] = useState<"view" | "rename" | "delete">("view");
  const [title, setTitle] = useState(thread.title ?? "");
  const label = thread.title || t.untitled;
  const active = c.threadId === thread.id;

  if (mode === "rename") {
    const save = (e: Event): void => {
      e.preventDefault();
      const next = title.trim();
      setMode("view");
      if (next && next !== thread.title) void c.fromUi(() => c.renameThread(thread.id, next));
    };
    return (
      <li class="ck-history-row">
        <form class="ck-rename" onSubmit={save}>
          <input
            class="ck-input"
            aria-label={t.rename}
            value={title}
            ref={(el) => el?.focus()}
            onInput={(e) => setTitle(e.currentTarget.value)}
            onKeyDown={(e) => e.key === "Escape" && setMode("view")}
          />
          <button type="submit" class="ck-btn ck-btn-primary">
            {t.save}
          </button>
          <button type="button" class="ck-btn" onClick={() => setMode("view")}>
            {t.cancel}
          </button>
        </form>
      </li>
    );
  }
  if (mode === "delete") {
    return (
      <li class="ck-history-row" role="alert">
        <span class="ck-history-confirm">{t.confirmDelete}</span>
        <button
          type="button"
          class="ck-btn ck-btn-danger"
          ref={(el) => el?.focus()}
          onClick={() => void c.fromUi(() => c.deleteThread(thread.id))}
        >
          {t.delete}
        </button>
        <button type="button" class="ck-btn" onClick={() => setMode("view")}>
          {t.cancel}
        </button>
      </li>
    );
  }
  return (
    <li class={`ck-history-row${active ? " ck-active" : ""}`}>
      <button
        type="button"
        class="ck-history-open"
        aria-current={active ? "true" : undefined}
        onClick={() => void c.fromUi(() => c.openThreadFromHistory(thread.id))}
      >
        <span class="ck-history-title">{label}</span>
        {thread.status?.type && thread.status.type !== "active" && <span class="ck-badge">{thread.status.type}</span>}
      </button>
      {showRename && (
        <button
          type="button"
          class="ck-icon-btn"
          aria-label={`${t.rename}: ${label}`}
          title={t.rename}
          data-action="rename"
          onClick={() => setMode("rename")}
        >
          <Icon name="compose" />
        </button>
      )}
      {showDelete && (
        <button
          type="button"
          class="ck-icon-btn"
          aria-label={`${t.delete}: ${label}`}
          title={t.delete}
          data-action="delete"
          onClick={() => setMode("delete")}
        >
          <Icon name="close" />
        </button>
      )}
    </li>
  );
}

export function History() {
  const c = useController();
  const t = useStrings();
  const h = c.history;
  const threads = h.threads.value;
  return (
    <section class="ck-history" aria-label={t.history}>
      {threads.length === 0 && !h.loading.value && !h.error.value && <p class="ck-empty">{t.noThreads}</p>}
      {h.error.value && (
        <p class="ck-error" role="alert">
          {h.error.value}
        </p>
      )}
      <ul class="ck-history-list">
        {threads.map((thread) => (
          <Row key={thread.id} thread={thread} />
        ))}
      </ul>
      {h.loading.value && (
        <p class="ck-muted" aria-live="polite">
          {t.loading}
        </p>
      )}
      {h.hasMore.value && !h.loading.value && (
        <button type="button" class="ck-btn ck-load-more" onClick={() => void h.more()}>
          {t.loadMore}
        </button>
      )}
    </section>
  );
}
