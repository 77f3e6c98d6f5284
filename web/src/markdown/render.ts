// Block tree -> HTML string. Code and math blocks become plain placeholders
// (<pre data-lang>, <div class="ck-math" data-display>) that the view enhances after
// mounting: a copy button, lazy highlighting, lazy KaTeX.
import type { Block } from "./blocks";
import { escapeHtml, type InlineContext, renderInline } from "./inline";

export function renderBlock(b: Block, ctx: InlineContext, tight = false): string {
  switch (b.t) {
    case "p":
      return tight ? renderInline(b.text, ctx) : `<p>${renderInline(b.text, ctx)}</p>`;
    case "h":
      return `<h${b.level}>${renderInline(b.text, ctx)}</h${b.level}>`;
    case "hr":
      return "<hr>";
    case "code": {
      const lang = b.lang ? ` data-lang="${escapeHtml(b.lang)}"` : "";
      return `<pre${lang}><code>${escapeHtml(b.code)}</code></pre>`;
    }
    case "math":
      return `<div class="ck-math" data-display="" data-tex="${escapeHtml(b.tex)}">${escapeHtml(b.tex)}</div>`;
    case "quote":
      return `<blockquote>${b.blocks.map((c) => renderBlock(c, ctx)).join("")}</blockquote>`;
    case "list": {
      const tag = b.ordered ? "ol" : "ul";
      const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : "";
      const items = b.items.map((item) => {
        const box = item.task === null ? "" : `<input type="checkbox" disabled${item.task ? " checked" : ""}> `;
        const cls = item.task === null ? "" : ' class="ck-task"';
        return `<li${cls}>${box}${item.blocks.map((c) => renderBlock(c, ctx, !b.loose)).join("")}</li>`;
      });
      return `<${tag}${start}>${items.join("")}</${tag}>`;
    }
    case "table": {
      const cell = (tag: string, text: string, i: number): string => {
        const align = b.align[i];
        return `<${tag}${align ? ` align="${align}"` : ""}>${renderInline(text, ctx)}</${tag}>`;
      };
      const head = `<thead><tr>${b.head.map((c, i) => cell("th", c, i)).join("")}</tr></thead>`;
      const rows = b.rows.map((r) => `<tr>${b.head.map((_, i) => cell("td", r[i] ?? "", i)).join("")}</tr>`);
      return `<div class="ck-table"><table>${head}<tbody>${rows.join("")}</tbody></table></div>`;
    }
  }
}
