// Annotations -> inline citation markers. Each distinct character index gets one marker
// (annotations sharing an index are grouped); sources are numbered in order of first
// appearance and listed once under the message.
import type { Annotation, Source } from "../protocol/types";
import { CITE_CLOSE, CITE_OPEN, escapeHtml } from "./inline";

export type Citations = {
  /** The text with marker placeholders spliced in. */
  source: string;
  /** Unique sources in display order; a source's number is its position + 1. */
  sources: Source[];
  /** Marker n -> the 0-based source numbers it cites. */
  groups: number[][];
};

const sourceKey = (s: Source): string => (s.type === "url" ? `u:${s.url}` : s.type === "file" ? `f:${s.filename}:${s.title}` : `e:${s.id}`);

export function collectCitations(text: string, annotations: Annotation[] | undefined): Citations {
  const sources: Source[] = [];
  const numberOf = new Map<string, number>();
  const byIndex = new Map<number, number[]>();
  for (const a of annotations ?? []) {
    if (!a?.source) continue;
    const key = sourceKey(a.source);
    let n = numberOf.get(key);
    if (n === undefined) {
      n = sources.length;
      numberOf.set(key, n);
      sources.push(a.source);
    }
    if (typeof a.index !== "number") continue;
    const at = Math.max(0, Math.min(text.length, a.index));
    const group = byIndex.get(at) ?? [];
    if (!group.includes(n)) group.push(n);
    byIndex.set(at, group);
  }
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const groups = indexes.map((i) => byIndex.get(i)!);
  let source = "";
  let from = 0;
  indexes.forEach((at, g) => {
    source += text.slice(from, at) + CITE_OPEN + g + CITE_CLOSE;
    from = at;
  });
  source += text.slice(from);
  return { source: indexes.length ? source : text, sources, groups };
}

/** The marker HTML for group `g` (the inline renderer calls this). */
export function citationHtml(c: Citations, g: number): string {
  const group = c.groups[g];
  if (!group) return "";
  const parts = group.map((n) => {
    const s = c.sources[n]!;
    const label = s.type === "entity" && s.inline_label ? s.inline_label : String(n + 1);
    return `<span class="ck-cite" data-cite="${n}" role="button" tabindex="0" title="${escapeHtml(s.title ?? "")}">${escapeHtml(label)}</span>`;
  });
  return `<sup class="ck-cites">${parts.join("")}</sup>`;
}
