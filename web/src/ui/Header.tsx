import { useController, useStrings } from "./context";
import { Icon } from "./icons";

export function Header() {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const header = opts.header;
  if (!header.enabled) return null;
  const inHistory = c.view.value === "history";
  const thread = c.thread.value;
  const titleEnabled = header.title?.enabled !== false;
  const title = inHistory ? t.history : (header.title?.text ?? thread?.title ?? "");
  const left = header.leftAction;
  const right = header.rightAction;
  return (
    <header class="ck-header">
      <div class="ck-header-side">
        {left && (
          <button type="button" class="ck-icon-btn" aria-label={left.icon} onClick={() => left.onClick()}>
            <Icon name={left.icon} size={18} />
          </button>
        )}
        {inHistory && (
          <button
            type="button"
            class="ck-icon-btn"
            aria-label={t.closeHistory}
            title={t.closeHistory}
            onClick={() => void c.fromUi(() => c.hideHistory())}
          >
            <Icon name="chevron-left" size={18} />
          </button>
        )}
      </div>
      <h2 class="ck-header-title" title={title}>
        {titleEnabled ? title : ""}
      </h2>
      <div class="ck-header-side ck-header-end">
        {!inHistory && opts.history.enabled && (
          <button
            type="button"
            class="ck-icon-btn"
            aria-label={t.history}
            title={t.history}
            data-action="history"
            onClick={() => void c.fromUi(() => c.showHistory())}
          >
            <Icon name="history" size={18} />
          </button>
        )}
        <button
          type="button"
          class="ck-icon-btn"
          aria-label={t.newChat}
          title={t.newChat}
          data-action="new-chat"
          onClick={() => c.newThread()}
        >
          <Icon name="compose" size={18} />
        </button>
        {right && (
          <button type="button" class="ck-icon-btn" aria-label={right.icon} onClick={() => right.onClick()}>
            <Icon name={right.icon} size={18} />
          </button>
        )}
      </div>
    </header>
  );
}
