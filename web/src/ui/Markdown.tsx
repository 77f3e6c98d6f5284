// Renders (streaming) Markdown: one DOM subtree per top-level block, so a delta only
// touches the last block. Blocks are sanitized HTML; after each block mounts it gets its
// enhancements (code copy buttons, lazy math). Clicks are handled by delegation.
import { memo } from "./memo";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { parseDeeplink } from "../events";
import { citationHtml, collectCitations, type Citations } from "../markdown/citations";
import { IncrementalMarkdown } from "../markdown/incremental";
import { sanitizeMarkdownHtml } from "../markdown/sanitize";
import type { Annotation, Source } from "../protocol/types";
import { useController, useStrings } from "./context";
import { renderMath } from "./math";

type Props = {
  text: string;
  annotations?: Annotation[];
  streaming?: boolean;
  imageHosts?: readonly string[] | null;
  onCitation?: (source: Source, n: number) => void;
  class?: string;
};

const Block = memo(function Block({ html, copyLabel }: { html: string; copyLabel: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.innerHTML = html; // html is the sanitizer's output (see IncrementalMarkdown's finish)
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

export function Markdown({ text, annotations, streaming, imageHosts = null, onCitation, class: cls }: Props) {
  const controller = useController();
  const t = useStrings();
  const citations = useRef<Citations | null>(null);
  const hostsKey = imageHosts ? imageHosts.join(",") : "";
  // A fresh parser per (finished?, image policy): a finished message is parsed once, whole.
  const parser = useMemo(
    () =>
      new IncrementalMarkdown(
        { citation: (g) => (citations.current ? citationHtml(citations.current, g) : "") },
        (html) => sanitizeMarkdownHtml(html, imageHosts),
      ),
    [!!streaming, hostsKey],
  );
  const blocks = useMemo(() => {
    citations.current = collectCitations(text, annotations);
    return parser.update(citations.current.source);
  }, [parser, text, annotations]);

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

  return (
    <div class={`ck-md${cls ? ` ${cls}` : ""}`} onClick={onClick} onKeyDown={onKeyDown}>
      {blocks.map((html, i) => (
        <Block key={i} html={html} copyLabel={t.copyCode} />
      ))}
    </div>
  );
}
