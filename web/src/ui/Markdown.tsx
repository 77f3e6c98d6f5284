// Renders (streaming) Markdown: one DOM subtree per top-level block, so a delta only
// touches the last block. Blocks are sanitized HTML; after each block mounts it gets its
// enhancements (code copy buttons, lazy math). Clicks are handled by delegation.

import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { parseDeeplink } from "../events";
import { type Citations, citationHtml, collectCitations } from "../markdown/citations";
import { IncrementalMarkdown, renderMarkdown } from "../markdown/incremental";
import { sanitizeMarkdownBlocks, sanitizeMarkdownHtml } from "../markdown/sanitize";
import type { Annotation, Source } from "../protocol/types";
import { useController, useImagePolicy, useStrings } from "./context";
import { renderMath } from "./math";
import { memo } from "./memo";
import { useNearViewport } from "./nearViewport";

type Props = {
  text: string;
  annotations?: Annotation[];
  streaming?: boolean;
  onCitation?: (source: Source, n: number) => void;
  /** A citation marker is hovered or focused (its source and element), or no longer is (null). */
  onCitationHover?: (source: Source | null, anchor: HTMLElement | null) => void;
  class?: string;
};

const Block = memo(function Block({ html, copyLabel }: { html: string; copyLabel: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.innerHTML = html; // html is the sanitizer's output (see IncrementalMarkdown's finish)
    const fenced = el.querySelectorAll<HTMLElement>("pre[data-lang] > code");
    if (fenced.length) {
      void import("./highlight").then(({ highlight }) => {
        for (const code of fenced) if (code.isConnected) highlight(code, code.parentElement?.dataset.lang ?? "");
      });
    }
    for (const pre of el.querySelectorAll("pre")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ck-copy-code";
      button.setAttribute("aria-label", copyLabel);
      button.textContent = copyLabel;
      pre.appendChild(button);
    }
    renderMath(el);
  }, [html, copyLabel]);
  return <div class="ck-md-block" ref={ref} />;
});

/**
 * Blocks are grouped in fixed-size chunks: a full chunk keeps its array identity, so a
 * frame diffs one small chunk, and off-screen chunks skip layout (content-visibility)
 * without the browser tracking every block.
 */
const CHUNK = 32;
const Chunk = memo(function Chunk({ blocks, copyLabel }: { blocks: string[]; copyLabel: string }) {
  return (
    <div class="ck-md-chunk">
      {blocks.map((html, i) => (
        <Block key={i} html={html} copyLabel={copyLabel} />
      ))}
    </div>
  );
});

function useChunks(blocks: string[]): string[][] {
  const cache = useRef<string[][]>([]);
  const chunks: string[][] = [];
  for (let i = 0, k = 0; i < blocks.length; i += CHUNK, k++) {
    const prev = cache.current[k];
    const full = i + CHUNK <= blocks.length;
    const same = full && prev?.length === CHUNK && prev[0] === blocks[i] && prev[CHUNK - 1] === blocks[i + CHUNK - 1];
    chunks.push(same ? prev : blocks.slice(i, i + CHUNK));
  }
  cache.current = chunks;
  return chunks;
}

export function Markdown({ text, annotations, streaming, onCitation, onCitationHover, class: cls }: Props) {
  const controller = useController();
  const t = useStrings();
  const imageHosts = useImagePolicy().hosts;
  const citations = useRef<Citations | null>(null);
  const hostsKey = imageHosts ? imageHosts.join(",") : "";
  // A message seen streaming is parsed incrementally (one block at a time, also when it
  // finishes); a message that arrives complete is rendered and sanitized in one pass.
  const streamed = useRef(!!streaming);
  if (streaming) streamed.current = true;
  const [box, near] = useNearViewport<HTMLDivElement>(streamed.current);
  const parser = useMemo(
    () =>
      new IncrementalMarkdown({ citation: (g) => (citations.current ? citationHtml(citations.current, g) : "") }, (blocks) =>
        sanitizeMarkdownBlocks(blocks, imageHosts),
      ),
    [hostsKey],
  );
  const blocks = useMemo(() => {
    if (!near) return [];
    const c = (citations.current = collectCitations(text, annotations));
    if (streamed.current) return parser.update(c.source, !!streaming);
    return [sanitizeMarkdownHtml(renderMarkdown(c.source, { citation: (g) => citationHtml(c, g) }), imageHosts)];
  }, [parser, text, annotations, streaming, near]);

  const chunks = useChunks(blocks);

  const onClick = (e: MouseEvent): void => {
    const target = e.target as Element | null;
    const copy = target?.closest(".ck-copy-code");
    if (copy) {
      const code = copy.parentElement?.querySelector("code")?.textContent ?? "";
      void navigator.clipboard?.writeText(code).catch(() => {});
      copy.textContent = t.copied;
      setTimeout(() => (copy.textContent = t.copyCode), 1500);
      return;
    }
    const cite = target?.closest<HTMLElement>(".ck-cite");
    if (cite && citations.current) {
      const n = Number(cite.dataset.cite);
      const source = citations.current.sources[n];
      if (source) onCitation?.(source, n);
      return;
    }
    const link = target?.closest("a");
    const href = link?.getAttribute("href");
    if (href && /^chatkit-link:/i.test(href)) {
      e.preventDefault();
      const deeplink = parseDeeplink(href);
      if (deeplink) controller.emitDeeplink(deeplink);
    }
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if ((e.key === "Enter" || e.key === " ") && (e.target as Element).classList?.contains("ck-cite")) {
      e.preventDefault();
      (e.target as HTMLElement).click();
    }
  };

  const hoverCite = (e: PointerEvent | FocusEvent, entering: boolean): void => {
    const cite = (e.target as Element | null)?.closest?.<HTMLElement>(".ck-cite");
    if (!onCitationHover || !cite) return;
    if (!entering) {
      if (!cite.contains(e.relatedTarget as Node | null)) onCitationHover(null, null);
      return;
    }
    const source = citations.current?.sources[Number(cite.dataset.cite)];
    if (source) onCitationHover(source, cite);
  };

  if (!near) {
    // Until it is rendered, the text stands in as is: about the right height, searchable.
    return (
      <div class={`ck-md ck-md-deferred${cls ? ` ${cls}` : ""}`} ref={box}>
        {text}
      </div>
    );
  }
  return (
    <div
      class={`ck-md${cls ? ` ${cls}` : ""}`}
      onClick={onClick}
      onKeyDown={onKeyDown}
      onPointerOver={(e) => hoverCite(e, true)}
      onPointerOut={(e) => hoverCite(e, false)}
      onFocusIn={(e) => hoverCite(e, true)}
      onFocusOut={(e) => hoverCite(e, false)}
    >
      {chunks.map((chunk, i) => (
        <Chunk key={i} blocks={chunk} copyLabel={t.copyCode} />
      ))}
    </div>
  );
}
