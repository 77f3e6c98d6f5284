// The thread state and the pure reducer that applies one stream event to it. The
// element batches events per animation frame; this function stays allocation-light
// (only the touched item and the items array are copied).
import type {
  AssistantContent,
  AssistantMessageItem,
  NoticeLevel,
  StreamEvent,
  Thread,
  ThreadItem,
  ThreadItemUpdate,
  ThreadMetadata,
} from "../protocol/types";
import { updateById } from "../widgets/tree";

export type Notice = { level: NoticeLevel; message: string; title?: string; afterItemId: string | null };
export type TurnError = { message?: string; code: string; allowRetry: boolean; afterItemId: string | null };
export type Progress = { icon?: string; text: string };

export type ChatState = {
  /** null while composing a new thread. */
  thread: ThreadMetadata | null;
  items: ThreadItem[];
  /** Cursor for items.list (newest-first) to load older items; null when none remain. */
  olderCursor: string | null;
  allowCancel: boolean;
  progress: Progress | null;
  notices: Notice[];
  error: TurnError | null;
};

export const PENDING_PREFIX = "__pending_";

export const emptyChat = (): ChatState => ({
  thread: null,
  items: [],
  olderCursor: null,
  allowCancel: false,
  progress: null,
  notices: [],
  error: null,
});

/** Strips the items page off a Thread. */
export function metadataOf(thread: Thread | ThreadMetadata): ThreadMetadata {
  const { id, title, created_at, status, allowed_image_domains } = thread;
  return { id, title, created_at, status, allowed_image_domains };
}

const lastId = (items: ThreadItem[]): string | null => items[items.length - 1]?.id ?? null;

function indexOf(items: ThreadItem[], id: string): number {
  // Streams touch the newest items, so search from the end.
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.id === id) return i;
  return -1;
}

function upsert(items: ThreadItem[], item: ThreadItem): ThreadItem[] {
  // The server's user message supersedes the optimistic copy shown while sending.
  const base = item.type === "user_message" ? items.filter((i) => !i.id.startsWith(PENDING_PREFIX)) : items;
  const at = indexOf(base, item.id);
  if (at < 0) return [...base, item];
  const next = base.slice();
  next[at] = item;
  return next;
}

function withPart(content: AssistantContent[], index: number, fn: (p: AssistantContent) => AssistantContent): AssistantContent[] {
  const next = content.slice();
  while (next.length <= index) next.push({ type: "output_text", text: "", annotations: [] });
  next[index] = fn(next[index]!);
  return next;
}

export function applyUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem {
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.done":
      if (item.type !== "assistant_message") return item;
      return { ...item, content: withPart(item.content, update.content_index, () => update.content) } satisfies AssistantMessageItem;
    case "assistant_message.content_part.text_delta":
      if (item.type !== "assistant_message") return item;
      return { ...item, content: withPart(item.content, update.content_index, (p) => ({ ...p, text: p.text + update.delta })) };
    case "assistant_message.content_part.annotation_added":
      if (item.type !== "assistant_message") return item;
      return {
        ...item,
        content: withPart(item.content, update.content_index, (p) => {
          const annotations = (p.annotations ?? []).slice();
          annotations.splice(Math.min(update.annotation_index, annotations.length), 0, update.annotation);
          return { ...p, annotations };
        }),
      };
    case "widget.streaming_text.value_delta":
      if (item.type !== "widget") return item;
      return {
        ...item,
        widget: updateById(item.widget, update.component_id, (n) => ({
          ...n,
          value: (typeof n.value === "string" ? n.value : "") + update.delta,
          streaming: !update.done,
        })),
      };
    case "widget.root.updated":
      return item.type === "widget" ? { ...item, widget: update.widget } : item;
    case "widget.component.updated":
      return item.type === "widget" ? { ...item, widget: updateById(item.widget, update.component_id, () => update.component) } : item;
    case "workflow.task.added":
    case "workflow.task.updated": {
      if (item.type !== "workflow") return item;
      const tasks = item.workflow.tasks.slice();
      if (update.type === "workflow.task.added" && update.task_index >= tasks.length) tasks.push(update.task);
      else if (update.type === "workflow.task.added") tasks.splice(update.task_index, 0, update.task);
      else tasks[update.task_index] = update.task;
      return { ...item, workflow: { ...item.workflow, tasks } };
    }
    case "generated_image.updated":
      return item.type === "generated_image" ? { ...item, image: update.image, progress: update.progress } : item;
  }
}

export function reduce(state: ChatState, event: StreamEvent): ChatState {
  switch (event.type) {
    case "thread.created":
    case "thread.updated":
      return { ...state, thread: metadataOf(event.thread) };
    case "thread.item.added":
    case "thread.item.done":
    case "thread.item.replaced":
      return { ...state, items: upsert(state.items, event.item) };
    case "thread.item.updated": {
      const at = indexOf(state.items, event.item_id);
      if (at < 0) return state;
      const items = state.items.slice();
      items[at] = applyUpdate(items[at]!, event.update);
      return { ...state, items };
    }
    case "thread.item.removed":
      return { ...state, items: state.items.filter((i) => i.id !== event.item_id) };
    case "stream_options":
      return { ...state, allowCancel: event.stream_options.allow_cancel !== false };
    case "progress_update":
      return { ...state, progress: { icon: event.icon, text: event.text } };
    case "notice":
      return {
        ...state,
        notices: [...state.notices, { level: event.level, message: event.message, title: event.title, afterItemId: lastId(state.items) }],
      };
    case "error":
      return {
        ...state,
        progress: null,
        error: {
          code: event.code ?? "custom",
          message: event.message,
          allowRetry: event.allow_retry ?? false,
          afterItemId: lastId(state.items),
        },
      };
    case "client_effect":
      return state; // fire-and-forget: dispatched as chatkit.effect, never stored
  }
}

/** The state for a thread loaded from the server. */
export function fromThread(thread: Thread, newest?: { items: ThreadItem[]; olderCursor: string | null }): ChatState {
  return {
    ...emptyChat(),
    thread: metadataOf(thread),
    items: newest ? newest.items : thread.items.data,
    olderCursor: newest ? newest.olderCursor : null,
  };
}
