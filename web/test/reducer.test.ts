import { describe, expect, it } from "vitest";
import type { AssistantMessageItem, StreamEvent, Thread, ThreadItem, WidgetItem, WorkflowItem } from "../src/protocol/types";
import { type ChatState, emptyChat, fromThread, PENDING_PREFIX, reduce } from "../src/state/reducer";

const base = { thread_id: "thr_1", created_at: "2025-01-01T00:00:00" };
const thread: Thread = {
  id: "thr_1",
  title: null,
  created_at: base.created_at,
  status: { type: "active" },
  items: { data: [], has_more: false },
};
const assistant = (id = "a1", text = ""): AssistantMessageItem => ({
  ...base,
  id,
  type: "assistant_message",
  content: text ? [{ type: "output_text", text, annotations: [] }] : [],
});
const widget: WidgetItem = {
  ...base,
  id: "w1",
  type: "widget",
  widget: {
    type: "Card",
    children: [
      { type: "Text", id: "t1", value: "He", streaming: true },
      { type: "Badge", id: "b1", label: "old" },
    ],
  },
};
const workflow: WorkflowItem = {
  ...base,
  id: "wf",
  type: "workflow",
  workflow: { type: "custom", tasks: [{ type: "thought", content: "a" }] },
};

const run = (events: StreamEvent[], start: ChatState = emptyChat()): ChatState => events.reduce(reduce, start);
const item = <T extends ThreadItem>(s: ChatState, id: string): T => s.items.find((i) => i.id === id) as T;

describe("thread events", () => {
  it("thread.created and thread.updated set the metadata without items", () => {
    let s = run([{ type: "thread.created", thread }]);
    expect(s.thread).toMatchObject({ id: "thr_1", title: null });
    s = reduce(s, { type: "thread.updated", thread: { ...thread, title: "Named", status: { type: "locked", reason: "r" } } });
    expect(s.thread).toMatchObject({ title: "Named", status: { type: "locked", reason: "r" } });
    expect(s.thread).not.toHaveProperty("items");
  });

  it("item added, done, replaced and removed", () => {
    let s = run([{ type: "thread.item.added", item: assistant() }]);
    expect(s.items).toHaveLength(1);
    s = reduce(s, { type: "thread.item.done", item: assistant("a1", "final") });
    expect(s.items).toHaveLength(1);
    expect(item<AssistantMessageItem>(s, "a1").content[0]!.text).toBe("final");
    s = reduce(s, { type: "thread.item.replaced", item: assistant("a1", "replaced") });
    expect(item<AssistantMessageItem>(s, "a1").content[0]!.text).toBe("replaced");
    s = reduce(s, { type: "thread.item.removed", item_id: "a1" });
    expect(s.items).toEqual([]);
  });

  it("the server's user message replaces the optimistic one", () => {
    const optimistic = {
      ...base,
      id: `${PENDING_PREFIX}1`,
      type: "user_message" as const,
      content: [{ type: "input_text" as const, text: "hi" }],
    };
    const s = run([{ type: "thread.item.done", item: { ...optimistic, id: "msg_1" } }], { ...emptyChat(), items: [optimistic] });
    expect(s.items.map((i) => i.id)).toEqual(["msg_1"]);
  });

  it("stream_options, progress_update, notice, error and client_effect", () => {
    let s = run([
      { type: "thread.item.done", item: assistant("a1", "x") },
      { type: "stream_options", stream_options: { allow_cancel: true } },
    ]);
    expect(s.allowCancel).toBe(true);
    s = reduce(s, { type: "progress_update", text: "Searching", icon: "search" });
    expect(s.progress).toEqual({ text: "Searching", icon: "search" });
    s = reduce(s, { type: "notice", level: "warning", message: "**careful**", title: "Heads up" });
    expect(s.notices).toEqual([{ level: "warning", message: "**careful**", title: "Heads up", afterItemId: "a1" }]);
    const before = s;
    expect(reduce(s, { type: "client_effect", name: "x", data: {} })).toBe(before);
    s = reduce(s, { type: "error", code: "stream.error", allow_retry: true });
    expect(s.error).toEqual({ code: "stream.error", message: undefined, allowRetry: true, afterItemId: "a1" });
    expect(s.progress).toBeNull();
  });
});

describe("item updates", () => {
  const upd = (s: ChatState, id: string, update: Extract<StreamEvent, { type: "thread.item.updated" }>["update"]): ChatState =>
    reduce(s, { type: "thread.item.updated", item_id: id, update });

  it("assistant content parts: added, text deltas, annotations, done", () => {
    let s = run([{ type: "thread.item.added", item: assistant() }]);
    s = upd(s, "a1", {
      type: "assistant_message.content_part.added",
      content_index: 0,
      content: { type: "output_text", text: "", annotations: [] },
    });
    s = upd(s, "a1", { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "Hel" });
    s = upd(s, "a1", { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "lo" });
    s = upd(s, "a1", { type: "assistant_message.content_part.text_delta", content_index: 2, delta: "pad" });
    const a = item<AssistantMessageItem>(s, "a1");
    expect(a.content.map((c) => c.text)).toEqual(["Hello", "", "pad"]);
    const src = { type: "url" as const, url: "https://x", title: "X" };
    s = upd(s, "a1", {
      type: "assistant_message.content_part.annotation_added",
      content_index: 0,
      annotation_index: 5,
      annotation: { type: "annotation", source: src, index: 5 },
    });
    s = upd(s, "a1", {
      type: "assistant_message.content_part.annotation_added",
      content_index: 0,
      annotation_index: 0,
      annotation: { type: "annotation", source: { ...src, title: "First" } },
    });
    expect(item<AssistantMessageItem>(s, "a1").content[0]!.annotations.map((x) => x.source.title)).toEqual(["First", "X"]);
    s = upd(s, "a1", {
      type: "assistant_message.content_part.done",
      content_index: 0,
      content: { type: "output_text", text: "Hello!", annotations: [] },
    });
    expect(item<AssistantMessageItem>(s, "a1").content[0]!.text).toBe("Hello!");
  });

  it("widget streaming text, root and component updates", () => {
    let s = run([{ type: "thread.item.added", item: widget }]);
    s = upd(s, "w1", { type: "widget.streaming_text.value_delta", component_id: "t1", delta: "llo", done: true });
    const kids = () => item<WidgetItem>(s, "w1").widget.children as { value?: string; streaming?: boolean; label?: string }[];
    expect(kids()[0]).toMatchObject({ value: "Hello", streaming: false });
    s = upd(s, "w1", { type: "widget.component.updated", component_id: "b1", component: { type: "Badge", id: "b1", label: "new" } });
    expect(kids()[1]!.label).toBe("new");
    s = upd(s, "w1", { type: "widget.root.updated", widget: { type: "ListView", children: [] } });
    expect(item<WidgetItem>(s, "w1").widget.type).toBe("ListView");
  });

  it("workflow tasks added and updated; generated image progress", () => {
    let s = run([{ type: "thread.item.added", item: workflow }]);
    s = upd(s, "wf", { type: "workflow.task.added", task_index: 1, task: { type: "custom", title: "b", status_indicator: "loading" } });
    s = upd(s, "wf", { type: "workflow.task.updated", task_index: 1, task: { type: "custom", title: "b", status_indicator: "complete" } });
    expect(item<WorkflowItem>(s, "wf").workflow.tasks).toEqual([
      { type: "thought", content: "a" },
      { type: "custom", title: "b", status_indicator: "complete" },
    ]);
    s = reduce(s, { type: "thread.item.added", item: { ...base, id: "img", type: "generated_image" } });
    s = upd(s, "img", { type: "generated_image.updated", image: { id: "i", url: "https://img/1.png" }, progress: 0.5 });
    expect(item(s, "img")).toMatchObject({ image: { url: "https://img/1.png" }, progress: 0.5 });
  });

  it("ignores updates for unknown items and mismatched types", () => {
    const s = run([{ type: "thread.item.added", item: assistant() }]);
    expect(
      reduce(s, { type: "thread.item.updated", item_id: "nope", update: { type: "widget.root.updated", widget: { type: "Card" } } }),
    ).toBe(s);
    const same = reduce(s, {
      type: "thread.item.updated",
      item_id: "a1",
      update: { type: "widget.root.updated", widget: { type: "Card" } },
    });
    expect(same.items[0]).toBe(s.items[0]);
  });

  it("only copies the touched item", () => {
    let s = run([
      { type: "thread.item.done", item: assistant("a0", "old") },
      { type: "thread.item.added", item: assistant("a1") },
    ]);
    const untouched = s.items[0];
    s = upd(s, "a1", { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "x" });
    expect(s.items[0]).toBe(untouched);
  });
});

describe("fromThread", () => {
  it("uses the newest page when the thread has more items", () => {
    const s = fromThread(
      { ...thread, items: { data: [assistant("old")], has_more: true, after: "old" } },
      { items: [assistant("new")], olderCursor: "c" },
    );
    expect(s.items.map((i) => i.id)).toEqual(["new"]);
    expect(s.olderCursor).toBe("c");
  });
});
