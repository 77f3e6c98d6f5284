// Streaming Markdown without re-parsing the whole message per delta. Top-level blocks
// that the parser has moved past are final (nothing appended later can change them), so
// their sanitized HTML is cached; each update parses only from the start of the last,
// still-open block. The whole text is re-parsed only if it stops being an append.
import { parseLocated } from "./blocks";
import type { InlineContext } from "./inline";
import { renderBlock } from "./render";

/** Turns rendered blocks into their final (sanitized) HTML, all in one call. */
export type Finish = (blocks: string[]) => string[];

/** Offset of the start of line `line` in `s` (\n, \r\n and \r each end one line). */
function lineOffset(s: string, line: number): number {
  let i = 0;
  for (let l = 0; l < line && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) l++;
  }
  return i;
}

export class IncrementalMarkdown {
  private source = "";
  private closed: string[] = [];
  private closedAt = 0;

  constructor(
    private readonly ctx: InlineContext,
    private readonly finish: Finish,
  ) {}

  /**
   * The sanitized HTML of each top-level block of `text`. While `streaming`, appends are
   * detected from the boundary characters (a full compare per frame would be O(n²)
   * over a message); a finished text is compared in full, once.
   */
  update(text: string, streaming = true): string[] {
    if (streaming ? !this.extends(text) : !text.startsWith(this.source)) {
      this.closed = [];
      this.closedAt = 0;
    }
    this.source = text;
    const tail = text.slice(this.closedAt);
    const located = parseLocated(tail.split(/\r\n|\r|\n/));
    const last = located.length - 1;
    const done = this.finish(located.map((l) => renderBlock(l.block, this.ctx)));
    const open = last >= 0 ? done.pop()! : null;
    this.closed.push(...done);
    if (last > 0) this.closedAt += lineOffset(tail, located[last]!.line);
    return open === null ? this.closed.slice() : [...this.closed, open];
  }

  /** Cheap append check: same length-so-far boundary characters (full compare is O(n)). */
  private extends(text: string): boolean {
    const prev = this.source;
    if (text.length < prev.length) return false;
    const edge = Math.min(64, prev.length);
    return text.startsWith(prev.slice(0, edge)) && text.slice(prev.length - edge, prev.length) === prev.slice(prev.length - edge);
  }
}

export function renderMarkdown(text: string, ctx: InlineContext, finish: Finish = (b) => b): string {
  return new IncrementalMarkdown(ctx, finish).update(text).join("");
}

/** Plain text of a Markdown message (for screen-reader announcements). */
export function markdownToText(text: string): string {
  const html = renderMarkdown(text, {});
  return (new DOMParser().parseFromString(html, "text/html").body.textContent ?? "").trim();
}
