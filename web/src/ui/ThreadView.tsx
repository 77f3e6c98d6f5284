// The scrolling thread: items in order, end-of-turn actions, notices, the error with
// Retry, the live progress line; older items load when scrolled to the top.

import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { ThreadItem, WidgetItem } from "../protocol/types";
import { useController, useStrings } from "./context";
import { AssistantMessage } from "./items/AssistantMessage";
import { ErrorView, GeneratedImageView, NoticeView, ProgressView, TurnActions } from "./items/Misc";
import { UserMessage } from "./items/UserMessage";
import { TaskItemView, WorkflowView } from "./items/Workflow";
import { useWidgetHost, Widget } from "./LazyWidget";
import { memo } from "./memo";

const NEAR_BOTTOM = 80;
/** Items that end a turn without an answer to copy or rate. */
const NO_ACTIONS = new Set(["client_tool_call", "structured_input", "end_of_turn"]);

function WidgetItemView({ item }: { item: WidgetItem }) {
  const c = useController();
  const host = useWidgetHost({
    // The item as it is now: an action may follow an in-place update of the widget.
    action: (action) => c.fromUi(() => c.widgetAction(action, c.chat.peek().items.find((i): i is WidgetItem => i.id === item.id) ?? item)),
    blocked: c.streaming.value,
  });
  return (
    <div class="ck-widget" data-item-id={item.id}>
      <Widget root={item.widget} host={host} />
    </div>
  );
}

const Item = memo(function Item({ item, live }: { item: ThreadItem; live: boolean; streaming: boolean }) {
  switch (item.type) {
    case "user_message":
      return <UserMessage item={item} />;
    case "assistant_message":
      return <AssistantMessage item={item} streaming={live} />;
    case "widget":
      return <WidgetItemView item={item} />;
    case "workflow":
      return <WorkflowView item={item} live={live} />;
    case "task":
      return <TaskItemView item={item} />;
    case "generated_image":
      return <GeneratedImageView item={item} />;
    default:
      return null; // client_tool_call, structured_input (the composer shows it), end_of_turn
  }
});

export function ThreadView() {
  const c = useController();
  const t = useStrings();
  const chat = c.chat.value;
  const streaming = c.streaming.value;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prevHeight = useRef<number | null>(null);
  const prevFirst = useRef<string | undefined>(undefined);
  const prevThread = useRef<string | null | undefined>(undefined);
  const items = chat.items;

  // The last item of each assistant turn gets the turn actions once the turn is over.
  // Maps each turn's last item to the user message that started the turn.
  const turnEnds = useMemo(() => {
    const ends = new Map<string, string | null>();
    let user: string | null = null;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const next = items[i + 1];
      if (it.type === "user_message") user = it.id.startsWith("__pending_") ? null : it.id;
      else if (!next || next.type === "user_message") ends.set(it.id, user);
    }
    return ends;
  }, [items]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const threadId = chat.thread?.id ?? null;
    const first = items[0]?.id;
    const last = items[items.length - 1];
    if (prevThread.current !== threadId) {
      el.scrollTop = el.scrollHeight; // a thread opens at its newest items
      stick.current = true;
    } else if (prevHeight.current !== null && first !== prevFirst.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current; // keep position when older items arrive above
    } else if (last?.type === "user_message" || last?.type === "structured_input") {
      el.scrollTop = el.scrollHeight; // the user just sent, or a question awaits: show it
      stick.current = true;
    } else if (c.options.value.autoScroll && stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevThread.current = threadId;
    prevFirst.current = first;
    prevHeight.current = null;
  });

  // Keep the bottom in view while content grows or the view shrinks (deferred messages
  // rendering, images loading, a taller composer) if the reader is at the bottom; a streaming reply is followed only
  // with thread.autoScroll.
  useLayoutEffect(() => {
    const el = scroller.current;
    const content = el?.firstElementChild;
    if (!el || !content || typeof ResizeObserver !== "function") return;
    const ro = new ResizeObserver((entries) => {
      const viewShrank = entries.some((e) => e.target === el);
      const follow = viewShrank || !c.streaming.peek() || c.options.peek().autoScroll;
      if (stick.current && follow) el.scrollTop = el.scrollHeight;
    });
    ro.observe(content);
    ro.observe(el); // the composer growing (e.g. a structured input) shrinks the view
    return () => ro.disconnect();
  }, []);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;
    if (el.scrollTop < 40 && chat.olderCursor && !c.loadingThread.value) {
      prevHeight.current = el.scrollHeight;
      void c.fromUi(() => c.loadOlder());
    }
  };

  const lastId = items[items.length - 1]?.id;
  const trailing = (afterId: string | null | undefined) => (
    <>
      {chat.notices.map((n, i) => (n.afterItemId === afterId ? <NoticeView key={`n${i}`} notice={n} /> : null))}
      {chat.error && chat.error.afterItemId === afterId && <ErrorView error={chat.error} />}
    </>
  );

  return (
    <div class="ck-scroll" ref={scroller} onScroll={onScroll} tabIndex={-1}>
      <div class="ck-thread" role="log" aria-label={t.conversation} aria-busy={streaming || undefined}>
        {chat.olderCursor && (
          <button type="button" class="ck-btn ck-load-more" onClick={() => void c.fromUi(() => c.loadOlder())}>
            {t.loadMore}
          </button>
        )}
        {chat.thread === null && trailing(null)}
        {items.map((item) => (
          <div class="ck-item" key={item.id}>
            <Item item={item} live={streaming && item.id === lastId} streaming={streaming} />
            {turnEnds.has(item.id) && !(streaming && item.id === lastId) && !NO_ACTIONS.has(item.type) && (
              <TurnActions lastItemId={item.id} userId={turnEnds.get(item.id) ?? null} />
            )}
            {trailing(item.id)}
          </div>
        ))}
        {streaming && chat.progress && <ProgressView progress={chat.progress} />}
        {streaming && !chat.progress && items[items.length - 1]?.type === "user_message" && (
          <div class="ck-progress" role="status">
            <span class="ck-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            <span class="ck-sr-only">{t.thinking}</span>
          </div>
        )}
      </div>
    </div>
  );
}
