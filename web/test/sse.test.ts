import { describe, expect, it } from "vitest";
import { readSSE, SSEDecoder } from "../src/protocol/sse";

const feed = (chunks: string[]): string[] => {
  const d = new SSEDecoder();
  return [...chunks.flatMap((c) => d.push(c)), ...d.end()].map((e) => e.data);
};

describe("SSEDecoder", () => {
  it("parses one event per data frame", () => {
    expect(feed(['data: {"a":1}\n\ndata: {"b":2}\n\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("reassembles events split at any byte", () => {
    const wire = 'data: {"type":"x","text":"héllo"}\n\ndata: {"n":2}\n\n';
    for (let cut = 1; cut < wire.length; cut++) {
      expect(feed([wire.slice(0, cut), wire.slice(cut)])).toEqual(['{"type":"x","text":"héllo"}', '{"n":2}']);
    }
  });

  it("joins multi-line data with newlines", () => {
    expect(feed(["data: line1\ndata: line2\n\n"])).toEqual(["line1\nline2"]);
  });

  it("accepts CRLF and bare CR line endings, even split between chunks", () => {
    expect(feed(["data: a\r\n\r\ndata: b\r\r"])).toEqual(["a", "b"]);
    expect(feed(["data: a\r", "\n\r", "\ndata: b\r\n\r\n"])).toEqual(["a", "b"]);
  });

  it("ignores comments, other fields and a missing space after the colon", () => {
    expect(feed([': ping\nevent: message\nid: 3\ndata:{"k":1}\n\n'])).toEqual(['{"k":1}']);
  });

  it("gives each event the last id the stream set", () => {
    const d = new SSEDecoder();
    const events = [...d.push("id: r:1\ndata: a\n\ndata: b\n\nid: r:2\ndata: c\n\n"), ...d.end()];
    expect(events).toEqual([
      { data: "a", id: "r:1" },
      { data: "b", id: "r:1" },
      { data: "c", id: "r:2" },
    ]);
  });

  it("flushes a final event without a trailing blank line", () => {
    expect(feed(["data: last"])).toEqual(["last"]);
  });

  it("decodes UTF-8 split inside a multi-byte character", async () => {
    const bytes = new TextEncoder().encode('data: {"t":"日本"}\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    const out: string[] = [];
    for await (const e of readSSE(body)) out.push(e.data);
    expect(out).toEqual(['{"t":"日本"}']);
  });
});
