import { describe, expect, it, vi } from "vitest";
import { ChatKitHTTPError, customEndpoint, hostedEndpoint, Transport } from "../src/protocol/transport";

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("Transport", () => {
  it("posts {type, params} with Accept-Language through the page's fetch", async () => {
    const fetchMock = vi.fn(async () => json({ data: [], has_more: false }));
    const t = new Transport(customEndpoint("/chatkit", fetchMock), () => "ja");
    await t.json("threads.list", { limit: 5 });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/chatkit");
    expect(JSON.parse(String(init.body))).toEqual({ type: "threads.list", params: { limit: 5 } });
    expect(new Headers(init.headers).get("Accept-Language")).toBe("ja");
  });

  it("turns error bodies into ChatKitHTTPError with the server's message", async () => {
    const t = new Transport(
      customEndpoint("/c", async () => json({ error: { type: "not_found", message: "Thread thr_x not found" } }, 404)),
      () => "en",
    );
    await expect(t.json("threads.get_by_id", { thread_id: "thr_x" })).rejects.toMatchObject({
      status: 404,
      message: "Thread thr_x not found",
    });
    const plain = new Transport(
      customEndpoint("/c", async () => new Response("oops", { status: 502, statusText: "Bad Gateway" })),
      () => "en",
    );
    await expect(plain.json("threads.list", {})).rejects.toBeInstanceOf(ChatKitHTTPError);
    await expect(plain.json("threads.list", {})).rejects.toMatchObject({ message: "HTTP 502 Bad Gateway" });
  });

  it("skips malformed SSE frames and keeps streaming", async () => {
    const body =
      'data: {"type":"progress_update","text":"a"}\n\ndata: not json\n\ndata: {"no_type":1}\n\ndata: {"type":"progress_update","text":"b"}\n\n';
    const t = new Transport(
      customEndpoint("/c", async () => new Response(body)),
      () => "en",
    );
    const seen: string[] = [];
    for await (const e of t.stream(
      { type: "threads.retry_after_item", params: { thread_id: "t", item_id: "i" } },
      new AbortController().signal,
    )) {
      if (e.type === "progress_update") seen.push(e.text);
    }
    expect(seen).toEqual(["a", "b"]);
  });
});

/** A response body that delivers `text`, then fails like a dropped connection. */
const cutAfter = (text: string): ReadableStream<Uint8Array> => {
  let sent = false;
  return new ReadableStream({
    pull(c) {
      if (sent) return c.error(new TypeError("network error"));
      sent = true;
      c.enqueue(new TextEncoder().encode(text));
    },
  });
};
const frame = (id: string | null, text: string) => `${id ? `id: ${id}\n` : ""}data: {"type":"progress_update","text":"${text}"}\n\n`;
const RETRY = { type: "threads.retry_after_item", params: { thread_id: "t", item_id: "i" } } as const;
const texts = async (stream: AsyncGenerator<{ type: string }>): Promise<string[]> => {
  const seen: string[] = [];
  for await (const e of stream) if (e.type === "progress_update") seen.push((e as unknown as { text: string }).text);
  return seen;
};
const bodyOf = (call: unknown[] | undefined): { type: string; params: Record<string, unknown>; metadata?: unknown } =>
  JSON.parse(String((call?.[1] as RequestInit | undefined)?.body));

describe("resumable streams", () => {
  it("resumes after the last event id when the connection drops, without duplicates", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(new Response(cutAfter(frame("resp_1:1", "a") + frame("resp_1:2", "b") + 'id: resp_1:3\ndata: {"type":"prog')))
      .mockRejectedValueOnce(new TypeError("still offline"))
      .mockResolvedValueOnce(new Response(frame("resp_1:3", "c") + frame("resp_1:4", "d")));
    const t = new Transport(customEndpoint("/c", fetchMock), () => "en");
    const states: boolean[] = [];
    const seen = await texts(t.stream(RETRY, new AbortController().signal, { onReconnecting: (on) => states.push(on) }));
    expect(seen).toEqual(["a", "b", "c", "d"]);
    expect(states).toEqual([true, false]);
    expect(bodyOf(fetchMock.mock.calls[0]).metadata).toEqual({ "chatloom.resumable": true });
    expect(bodyOf(fetchMock.mock.calls[2])).toEqual({ type: "responses.resume", params: { last_event_id: "resp_1:2" } });
  });

  it("fails as before against a server without the extension (no event ids)", async () => {
    const fetchMock = vi.fn().mockResolvedValueOnce(new Response(cutAfter(frame(null, "a"))));
    const t = new Transport(customEndpoint("/c", fetchMock), () => "en");
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of t.stream(RETRY, new AbortController().signal)) if (e.type === "progress_update") seen.push(e.text);
      })(),
    ).rejects.toThrow("network error");
    expect(seen).toEqual(["a"]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("gives up when the server no longer has the response", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(new Response(cutAfter(frame("resp_1:1", "a"))))
      .mockResolvedValueOnce(json({ error: { type: "not_found", message: "Response resp_1 not found" } }, 404));
    const t = new Transport(customEndpoint("/c", fetchMock), () => "en");
    await expect(texts(t.stream(RETRY, new AbortController().signal))).rejects.toMatchObject({ status: 404 });
  });

  it("tells a resumable server about Stop, since the disconnect alone no longer cancels", async () => {
    const fetchMock = vi.fn(async (_url: unknown, init?: RequestInit) => {
      if (JSON.parse(String(init?.body)).type === "responses.cancel") return json({});
      return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(frame("resp_9:1", "a"))) }));
    });
    const t = new Transport(customEndpoint("/c", fetchMock), () => "en");
    const stop = new AbortController();
    for await (const e of t.stream(RETRY, stop.signal)) {
      expect(e.type).toBe("progress_update");
      stop.abort();
      break;
    }
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(bodyOf(fetchMock.mock.calls[1])).toEqual({ type: "responses.cancel", params: { response_id: "resp_9" } });
  });
});

describe("hosted endpoint", () => {
  it("asks getClientSecret(null) first, sends the bearer token, and refreshes after a 401", async () => {
    const getClientSecret = vi.fn(async (current: string | null) => (current ? "second" : "first"));
    const source = hostedEndpoint("https://chat.example.com", getClientSecret);
    const seen: string[] = [];
    const responses = [json({}, 401), json({ data: [], has_more: false })];
    globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      seen.push(`${String(url)} ${new Headers(init?.headers).get("Authorization")}`);
      return responses.shift()!;
    }) as typeof fetch;
    const t = new Transport(source, () => "en");
    await t.json("threads.list", {});
    expect(getClientSecret.mock.calls).toEqual([[null], ["first"]]);
    expect(seen).toEqual([
      "https://chat.example.com/v1/chatkit/conversation Bearer first",
      "https://chat.example.com/v1/chatkit/conversation Bearer second",
    ]);
  });
});

describe("uploads", () => {
  it("POSTs multipart `file`, PUTs the raw bytes with the file's type", async () => {
    const seen: { method: string; type: string | null; body: unknown }[] = [];
    const viaFetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ method: String(init?.method), type: new Headers(init?.headers).get("Content-Type"), body: init?.body });
      return json({ id: "atc_1" });
    }) as unknown as typeof fetch;
    const t = new Transport(customEndpoint("/c", viaFetch), () => "en");
    const file = new File(["abc"], "a.txt", { type: "text/plain" });
    await t.upload("/up", file, { viaFetch });
    await t.upload("/put", file, { method: "PUT", headers: { "x-amz-acl": "private" }, viaFetch });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.body).toBeInstanceOf(FormData);
    expect((seen[0]!.body as FormData).get("file")).toBeInstanceOf(File);
    expect(seen[1]).toMatchObject({ method: "PUT", type: "text/plain" });
    expect(seen[1]!.body).toBe(file);
  });
});

describe("hosted secret expiry", () => {
  it("asks for a new secret before the one it has expires, when the server says when", async () => {
    let clock = 1_000_000;
    const getClientSecret = vi.fn(async (current: string | null) => (current ? `after-${current}` : "first"));
    const source = hostedEndpoint("https://chat.example.com/base", getClientSecret, () => clock);
    const seen: string[] = [];
    const expiresAt = new Map([["first", clock / 1000 + 60]]); // the first secret lives 60 s
    globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      const bearer = new Headers(init?.headers).get("Authorization");
      seen.push(`${String(url)} ${bearer}`);
      const expires = expiresAt.get(bearer!.slice(7)) ?? clock / 1000 + 600;
      return new Response("{}", { status: 200, headers: { "Chatloom-Secret-Expires-At": String(expires) } });
    }) as typeof fetch;
    const t = new Transport(source, () => "en");
    await t.json("threads.list", {});
    clock += 20_000; // 40 s left: still good
    await t.json("threads.list", {});
    clock += 15_000; // 25 s left: inside the 30 s margin
    await t.json("threads.list", {});
    expect(getClientSecret.mock.calls).toEqual([[null], ["first"]]);
    expect(seen).toEqual([
      "https://chat.example.com/base/v1/chatkit/conversation Bearer first",
      "https://chat.example.com/base/v1/chatkit/conversation Bearer first",
      "https://chat.example.com/base/v1/chatkit/conversation Bearer after-first",
    ]);
  });

  it("takes api.baseUrl over the script's origin", async () => {
    const { normalizeOptions } = await import("../src/options");
    const api = normalizeOptions({ api: { getClientSecret: async () => "s", baseUrl: "https://chat.example.com" } }).api;
    expect(api).toMatchObject({ kind: "hosted", baseUrl: "https://chat.example.com" });
  });
});
