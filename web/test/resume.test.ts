import { describe, expect, it, vi } from "vitest";
import { attachRequest, responseOf, resumeDelay } from "../src/protocol/resume";
import { ChatController } from "../src/state/controller";

const created_at = "2025-01-01T00:00:00";
const partial = {
  id: "msg_a",
  thread_id: "thr_1",
  created_at,
  type: "assistant_message",
  content: [{ type: "output_text", text: "Once", annotations: [] }],
};
const thread = { id: "thr_1", created_at, status: { type: "active" }, items: { data: [partial], has_more: false } };
const frames = [
  { type: "thread.item.added", item: { ...partial, content: [] } },
  {
    type: "thread.item.updated",
    item_id: "msg_a",
    update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "Once" },
  },
  {
    type: "thread.item.updated",
    item_id: "msg_a",
    update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: " upon a time" },
  },
  { type: "thread.item.done", item: { ...partial, content: [{ type: "output_text", text: "Once upon a time", annotations: [] }] } },
]
  .map((event, n) => `id: resp_7:${n + 1}\ndata: ${JSON.stringify(event)}\n\n`)
  .join("");

describe("resumable responses in the element", () => {
  it("attaches to a reply still streaming when a thread loads (a reload, a second tab)", async () => {
    const requests: { type: string; params: unknown }[] = [];
    const fetchMock = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { type: string; params: unknown };
      requests.push(body);
      if (body.type === "threads.get_by_id") return new Response(JSON.stringify({ ...thread, chatloom_running_response: "resp_7" }));
      return new Response(frames);
    });
    const c = new ChatController(() => {}, "https://host.test");
    c.setOptions({ api: { url: "/chatkit", domainKey: "x", fetch: fetchMock } });
    await c.setThreadId("thr_1");
    await vi.waitFor(() => expect(c.streaming.value).toBe(false));
    expect(requests.map((r) => r.type)).toEqual(["threads.get_by_id", "responses.resume"]);
    expect(requests[1]!.params).toEqual({ last_event_id: "resp_7:0" });
    // The replay rebuilds the partial reply the thread came with: no doubled text.
    expect(c.chat.value.items).toEqual([{ ...partial, content: [{ type: "output_text", text: "Once upon a time", annotations: [] }] }]);
  });

  it("leaves a thread without a running reply alone", () => {
    expect(attachRequest(thread)).toBeNull();
    expect(attachRequest({ ...thread, chatloom_running_response: "resp_1" })).toEqual({
      type: "responses.resume",
      params: { last_event_id: "resp_1:0" },
    });
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(resumeDelay(0, () => 0)).toBe(125);
    expect(resumeDelay(0, () => 1)).toBe(250);
    expect(resumeDelay(3, () => 0.5)).toBe(1500);
    expect(resumeDelay(20, () => 1)).toBe(8000);
    expect(responseOf("resp_ab:12")).toBe("resp_ab");
  });
});
