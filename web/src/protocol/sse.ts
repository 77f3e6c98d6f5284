// Incremental Server-Sent Events decoder. Servers frame each event as `data: <json>\n\n`,
// but network chunks split anywhere, lines may end in CRLF or CR, and an event may span
// several `data:` lines (joined with "\n", per the SSE spec).

/** One event: its data, and the stream's last event id when it completed (`id:` lines). */
export type SSEEvent = { data: string; id: string | null };

export class SSEDecoder {
  private buffer = "";
  private data: string[] = [];
  private sawCR = false;
  private lastId: string | null = null;

  /** Feeds decoded text; returns the events it completed. */
  push(chunk: string): SSEEvent[] {
    const events: SSEEvent[] = [];
    let text = chunk;
    // A CR at the end of the previous chunk already ended its line; drop the LF half.
    if (this.sawCR && text.startsWith("\n")) text = text.slice(1);
    this.sawCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(this.buffer.slice(start, i), events);
      if (ch === 13) {
        if (i + 1 === this.buffer.length) this.sawCR = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** Completes a final event that was not followed by a blank line. */
  end(): SSEEvent[] {
    const events: SSEEvent[] = [];
    if (this.buffer) this.line(this.buffer, events);
    this.buffer = "";
    this.line("", events);
    return events;
  }

  private line(line: string, events: SSEEvent[]): void {
    if (line === "") {
      if (this.data.length) events.push({ data: this.data.join("\n"), id: this.lastId });
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return; // comment / heartbeat
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.lastId = value; // resumable streams
    // event: and retry: carry nothing ChatKit uses
  }
}

/** Reads a byte stream as SSE and yields each event. */
export async function* readSSE(body: ReadableStream<Uint8Array>): AsyncGenerator<SSEEvent> {
  const reader = body.getReader();
  const utf8 = new TextDecoder();
  const sse = new SSEDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* sse.push(utf8.decode(value, { stream: true }));
    }
    yield* sse.push(utf8.decode());
    yield* sse.end();
  } finally {
    reader.releaseLock();
  }
}
