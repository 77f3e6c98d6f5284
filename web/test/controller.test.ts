import { describe, expect, it, vi } from "vitest";
import type { ChatKitEventName } from "../src/events";
import { parseDeeplink } from "../src/events";
import type { StreamEvent, ThreadItem } from "../src/protocol/types";
import { BusyError, ChatController, NotConfiguredError } from "../src/state/controller";

type Call = { type: string; params: Record<string, unknown>; headers: Headers; signal?: AbortSignal | null };
type Reply = StreamEvent[] | { json: unknown; status?: number } | ((call: Call) => Response | Promise<Response>);

const sse = (events: StreamEvent[]): Response =>
  new Response(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(""), { headers: { "Content-Type": "text/event-stream" } });

const base = { thread_id: "thr_1", created_at: "2025-01-01T00:00:00" };
const thread = { id: "thr_1", created_at: base.created_at, status: { type: "active" as const }, items: { data: [], has_more: false } };
const userItem = (text: string): ThreadItem => ({
  ...base,
  id: "msg_u",
  type: "user_message",
  content: [{ type: "input_text", text }],
  attachments: [],
  inference_options: {},
});
const reply = (id: string, text: string): StreamEvent[] => [
  { type: "thread.item.added", item: { ...base, id, type: "assistant_message", content: [] } },
  {
    type: "thread.item.updated",
    item_id: id,
    update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: text },
  },
  { type: "thread.item.done", item: { ...base, id, type: "assistant_message", content: [{ type: "output_text", text, annotations: [] }] } },
];

/** `replies[type]` answers that request type in order; the last answer repeats. */
function setup(replies: Record<string, Reply[]>, extra: Record<string, unknown> = {}) {
  const calls: Call[] = [];
  const events: { name: ChatKitEventName; detail: unknown }[] = [];
  const fetchMock = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { type: string; params: Record<string, unknown> };
    const call = { ...body, headers: new Headers(init?.headers), signal: init?.signal };
    calls.push(call);
    const queue = replies[body.type];
    const r = queue && (queue.length > 1 ? queue.shift()! : queue[0]!);
    if (!r) return new Response(JSON.stringify({ error: { message: `unexpected ${body.type}` } }), { status: 500 });
    if (typeof r === "function") return r(call);
    if (Array.isArray(r)) return sse(r);
    return new Response(JSON.stringify(r.json), { status: r.status ?? 200, headers: { "Content-Type": "application/json" } });
  });
  const c = new ChatController((name, ...detail) => events.push({ name, detail: detail[0] }), "https://host.test");
  c.setOptions({ api: { url: "/chatkit", domainKey: "x", fetch: fetchMock }, locale: "fr-CA", ...extra });
  return { c, calls, events, fetchMock, names: () => events.map((e) => e.name) };
}

describe("ChatController turns", () => {
  it("creates a thread, streams the reply and reports the lifecycle", async () => {
    const { c, calls, names, events } = setup({
      "threads.create": [
        [
          { type: "thread.created", thread },
          { type: "thread.item.done", item: userItem("hi") },
          { type: "stream_options", stream_options: { allow_cancel: true } },
          ...reply("msg_a", "Hello"),
        ],
      ],
    });
    await c.sendUserMessage({ text: "hi" });
    expect(calls[0]).toMatchObject({
      type: "threads.create",
      params: { input: { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} } },
    });
    expect(calls[0]!.headers.get("Accept-Language")).toBe("fr-CA");
    expect(c.chat.value.thread?.id).toBe("thr_1");
    expect(c.chat.value.items.map((i) => i.id)).toEqual(["msg_u", "msg_a"]);
    expect(names()).toEqual(expect.arrayContaining(["chatkit.response.start", "chatkit.thread.change", "chatkit.response.end"]));
    expect(events.find((e) => e.name === "chatkit.thread.change")!.detail).toEqual({ threadId: "thr_1" });
    expect(c.streaming.value).toBe(false);
  });

  it("fills a tag's missing data: the wire requires it, the official types do not", async () => {
    const { c, calls } = setup({ "threads.create": [[{ type: "thread.created", thread }]] });
    await c.sendUserMessage({
      content: [
        { type: "input_text", text: "about " },
        { type: "input_tag", id: "a1", text: "Ada" },
      ],
    });
    expect((calls[0]!.params.input as { content: unknown }).content).toEqual([
      { type: "input_text", text: "about " },
      { type: "input_tag", id: "a1", text: "Ada", data: {} },
    ]);
  });

  it("fires chatkit.effect for client effects and chatkit.error for error events", async () => {
    const { c, events } = setup({
      "threads.create": [
        [
          { type: "thread.created", thread },
          { type: "client_effect", name: "flash", data: { n: 1 } },
          { type: "error", code: "custom", message: "nope", allow_retry: true },
        ],
      ],
    });
    await c.sendUserMessage({ text: "x" });
    expect(events.find((e) => e.name === "chatkit.effect")!.detail).toEqual({ name: "flash", data: { n: 1 } });
    expect((events.find((e) => e.name === "chatkit.error")!.detail as { error: Error }).error.message).toBe("nope");
    expect(c.chat.value.error).toMatchObject({ message: "nope", allowRetry: true });
  });

  it("shows an HTTP error's message, keeps the sent message, and retries it", async () => {
    const { c, calls, events } = setup({
      "threads.create": [
        { json: { error: { type: "server", message: "Overloaded" } }, status: 503 },
        [{ type: "thread.created", thread }, { type: "thread.item.done", item: userItem("hello") }, ...reply("msg_a", "ok")],
      ],
    });
    await c.sendUserMessage({ text: "hello" });
    expect(c.chat.value.error).toMatchObject({ message: "Overloaded", allowRetry: true });
    expect(c.chat.value.items).toHaveLength(1); // the optimistic user message stays
    expect(events.some((e) => e.name === "chatkit.error")).toBe(true);
    await c.retryAfterError();
    expect(calls.filter((x) => x.type === "threads.create")).toHaveLength(2);
    expect(c.chat.value.items.map((i) => i.id)).toEqual(["msg_u", "msg_a"]);
    expect(c.chat.value.error).toBeNull();
  });

  it("keeps what streamed when the connection drops mid-stream", async () => {
    const { c } = setup({
      "threads.create": [
        () => {
          const head = [{ type: "thread.created", thread }, ...reply("msg_a", "partial").slice(0, 2)]
            .map((e) => `data: ${JSON.stringify(e)}\n\n`)
            .join("");
          const body = new ReadableStream<Uint8Array>({
            start(ctl) {
              ctl.enqueue(new TextEncoder().encode(head));
              setTimeout(() => ctl.error(new TypeError("network down")), 5);
            },
          });
          return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
        },
      ],
    });
    await c.sendUserMessage({ text: "x" });
    expect(c.chat.value.items.some((i) => i.type === "assistant_message" && i.content[0]?.text === "partial")).toBe(true);
    expect(c.chat.value.error?.code).toBe("network");
  });

  it("stop aborts the request and shows no error", async () => {
    let signal: AbortSignal | null | undefined;
    const { c, events } = setup({
      "threads.create": [
        (call) => {
          signal = call.signal;
          const body = new ReadableStream<Uint8Array>({
            start(ctl) {
              ctl.enqueue(new TextEncoder().encode(`data: ${JSON.stringify({ type: "thread.created", thread })}\n\n`));
              call.signal?.addEventListener("abort", () => ctl.error(new DOMException("aborted", "AbortError")));
            },
          });
          return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
        },
      ],
    });
    const sending = c.sendUserMessage({ text: "x" });
    await vi.waitFor(() => expect(c.chat.peek().thread).not.toBeNull());
    c.stop();
    await sending;
    expect(signal?.aborted).toBe(true);
    expect(c.chat.value.error).toBeNull();
    expect(events.at(-1)!.name).toBe("chatkit.response.end");
  });

  it("runs client tools and sends their output, in one busy period", async () => {
    const onClientTool = vi.fn(async ({ params }: { params: Record<string, unknown> }) => ({ got: params.q }));
    const { c, calls, names } = setup(
      {
        "threads.create": [
          [
            { type: "thread.created", thread },
            {
              type: "thread.item.done",
              item: {
                ...base,
                id: "ctc",
                type: "client_tool_call",
                status: "pending",
                call_id: "c1",
                name: "lookup",
                arguments: { q: 42 },
              },
            },
          ],
        ],
        "threads.add_client_tool_output": [reply("msg_a", "done")],
      },
      { onClientTool },
    );
    await c.sendUserMessage({ text: "x" });
    expect(onClientTool).toHaveBeenCalledWith({ name: "lookup", params: { q: 42 } });
    expect(calls[1]).toMatchObject({ type: "threads.add_client_tool_output", params: { thread_id: "thr_1", result: { got: 42 } } });
    expect(names().filter((n) => n === "chatkit.response.start")).toHaveLength(1);
    expect(names().filter((n) => n === "chatkit.response.end")).toHaveLength(1);
  });

  it("routes widget actions: client handler, sync action, streamed action", async () => {
    const onAction = vi.fn(async () => {});
    const widget: ThreadItem = { ...base, id: "w1", type: "widget", widget: { type: "Card", children: [] } };
    const { c, calls } = setup(
      {
        "threads.get_by_id": [{ json: { ...thread, items: { data: [widget], has_more: false } } }],
        "threads.sync_custom_action": [
          { json: { updated_item: { ...widget, widget: { type: "Card", children: [{ type: "Text", value: "updated" }] } } } },
        ],
        "threads.custom_action": [reply("msg_a", "handled")],
      },
      { widgets: { onAction } },
    );
    await c.setThreadId("thr_1");
    await c.widgetAction({ type: "pick", payload: { id: 1 }, handler: "client" }, widget as never);
    expect(onAction).toHaveBeenCalledWith({ type: "pick", payload: { id: 1 } }, { id: "w1", widget: { type: "Card", children: [] } });
    await c.widgetAction({ type: "toggle", streaming: false }, widget as never);
    expect(calls.at(-1)).toMatchObject({
      type: "threads.sync_custom_action",
      params: { thread_id: "thr_1", item_id: "w1", action: { type: "toggle" } },
    });
    expect(JSON.stringify(c.chat.value.items[0])).toContain("updated");
    await c.widgetAction({ type: "go", payload: { a: 1 } }, widget as never);
    expect(calls.at(-1)).toMatchObject({
      type: "threads.custom_action",
      params: { item_id: "w1", action: { type: "go", payload: { a: 1 } } },
    });
    expect(c.chat.value.items.at(-1)!.id).toBe("msg_a");
  });

  it("ignores sendCustomAction without an active thread", async () => {
    const { c, calls, events } = setup({});
    await c.sendCustomAction({ type: "x" });
    expect(calls).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ name: "chatkit.log" });
  });

  it("opens a long thread at its newest page and loads older items on demand", async () => {
    const items = (from: number, to: number): ThreadItem[] =>
      Array.from({ length: to - from }, (_, i) => ({ ...base, id: `i${from + i}`, type: "assistant_message", content: [] }) as ThreadItem);
    const { c, calls } = setup({
      "threads.get_by_id": [{ json: { ...thread, items: { data: items(0, 20), has_more: true, after: "i19" } } }],
      "items.list": [
        { json: { data: items(50, 100).reverse(), has_more: true, after: "i50" } },
        { json: { data: items(0, 50).reverse(), has_more: false } },
      ],
    });
    await c.setThreadId("thr_1");
    expect(c.chat.value.items[0]!.id).toBe("i50");
    expect(c.chat.value.items.at(-1)!.id).toBe("i99");
    await c.loadOlder();
    expect(calls.at(-1)).toMatchObject({ type: "items.list", params: { order: "desc", after: "i50" } });
    expect(c.chat.value.items).toHaveLength(100);
    expect(c.chat.value.olderCursor).toBeNull();
  });
});

describe("busy and not-configured: one policy for every call", () => {
  /** A thread with a widget and a user message, and a reply that streams until `finish()`. */
  async function streaming() {
    let finish = (): void => {};
    const widget: ThreadItem = { ...base, id: "w1", type: "widget", widget: { type: "Card", children: [] } };
    const question = { ...base, id: "si1", type: "structured_input" as const, status: "pending" as const, inputs: [] };
    const s = setup({
      "threads.get_by_id": [{ json: { ...thread, items: { data: [userItem("hi"), widget], has_more: false } } }],
      "threads.add_user_message": [
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(ctl) {
                ctl.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(reply("msg_a", "…")[0])}\n\n`));
                finish = () => ctl.close();
              },
            }),
            { headers: { "Content-Type": "text/event-stream" } },
          ),
      ],
      "threads.sync_custom_action": [{ json: {} }],
      "items.feedback": [{ json: {} }],
    });
    await s.c.setThreadId("thr_1");
    const sending = s.c.sendUserMessage({ text: "again" });
    await vi.waitFor(() => expect(s.c.chat.peek().items.some((i) => i.id === "msg_a")).toBe(true));
    const done = async (): Promise<void> => {
      finish();
      await sending;
    };
    return { ...s, widget, question, done };
  }

  it("rejects every call that streams or loads with BusyError while a reply streams, and sends nothing", async () => {
    const { c, calls, widget, question, done } = await streaming();
    const before = calls.length;
    c.composer.text.value = "draft";
    const refused = [
      c.sendUserMessage({ text: "x" }),
      c.setThreadId("thr_2"),
      c.setThreadId(null),
      c.fetchUpdates(),
      c.sendCustomAction({ type: "x" }),
      c.retryFrom("msg_u"),
      c.retryAfterError(),
      c.submitStructuredInput(question as never, {}, true),
      c.widgetAction({ type: "go" }, widget as never),
      c.submitComposer(),
    ];
    for (const call of refused) await expect(call).rejects.toBeInstanceOf(BusyError);
    expect(calls.length).toBe(before);
    expect(c.composer.text.value).toBe("draft"); // a refused send keeps the draft
    // Plain requests and the draft are not turns: they go through.
    await c.widgetAction({ type: "toggle", streaming: false }, widget as never);
    await c.sendFeedback(["msg_u"], "positive");
    await c.setComposerValue({ text: "edited" });
    expect(calls.slice(before).map((x) => x.type)).toEqual(["threads.sync_custom_action", "items.feedback"]);
    await done();
    expect(c.busy.value).toBe(false);
  });

  it("rejects every call that needs the server with NotConfiguredError before setOptions({api})", async () => {
    const c = new ChatController(() => {}, "https://host.test");
    c.composer.text.value = "draft";
    const calls = [
      c.sendUserMessage({ text: "x" }),
      c.setThreadId("thr_1"),
      c.fetchUpdates(),
      c.showHistory(),
      c.transcribe(new Blob(["x"])),
      c.sendFeedback(["m"], "positive"),
      c.submitComposer(),
    ];
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(NotConfiguredError);
    // What needs no server works.
    await expect(c.setThreadId(null)).resolves.toBeUndefined();
    await expect(c.setComposerValue({ text: "x" })).resolves.toBeUndefined();
  });

  it("the element's own controls drop a BusyError and report anything else", async () => {
    const { c, events, done } = await streaming();
    await c.fromUi(() => c.retryAfterError());
    expect(events.some((e) => e.name === "chatkit.error")).toBe(false);
    await c.fromUi(() => Promise.reject(new Error("boom")));
    expect(events.filter((e) => e.name === "chatkit.error").map((e) => (e.detail as { error: Error }).error.message)).toEqual(["boom"]);
    await done();
  });
});

describe("deeplinks", () => {
  it("maps chatkit-link URLs to {name, data}", () => {
    expect(parseDeeplink("chatkit-link://source?source_id=7&x=y")).toEqual({ name: "source", data: { source_id: "7", x: "y" } });
    expect(parseDeeplink("chatkit-link://open/path/to")).toEqual({ name: "open", data: { path: "path/to" } });
    expect(parseDeeplink("https://x")).toBeNull();
  });
});
