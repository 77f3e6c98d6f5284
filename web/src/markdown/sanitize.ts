// The last gate before server-derived markup reaches the DOM: DOMPurify with an
// allow-list that matches exactly what the Markdown renderer produces, plus URL policy
// (links: http(s), mailto, chatkit-link, relative; images: thread.allowed_image_domains).
// Each profile is its own DOMPurify instance configured once: passing a config per call
// makes DOMPurify re-parse it every time, which dominated streaming cost.
import DOMPurify, { type Config } from "dompurify";
import { safeUrl } from "./inline";

const MARKDOWN: Config = {
  ALLOWED_TAGS: [
    "a",
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "input",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "span",
    "sup",
    "img",
  ],
  ALLOWED_ATTR: [
    "href",
    "title",
    "target",
    "rel",
    "src",
    "alt",
    "start",
    "type",
    "checked",
    "disabled",
    "align",
    "class",
    "data-lang",
    "data-tex",
    "data-display",
    "data-cite",
    "role",
    "tabindex",
    "aria-label",
    "loading",
    "referrerpolicy",
  ],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|chatkit-link):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

/** Image policy for the sanitize call in progress (hooks are per instance, not per call). */
let imageHosts: string[] | null = null;

export function imageAllowed(src: string, hosts: readonly string[] | null): boolean {
  let url: URL;
  try {
    url = new URL(src, document.baseURI);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (!hosts) return true;
  const host = url.hostname.toLowerCase();
  return hosts.some((h) => {
    const d = h.toLowerCase().replace(/^\*\./, "");
    return host === d || host.endsWith(`.${d}`);
  });
}

type Purifier = ReturnType<typeof DOMPurify>;
let markdown: Purifier | null = null;
let markdownFragments: Purifier | null = null;
let math: Purifier | null = null;

function markdownPurifier(fragments: boolean): Purifier {
  const cached = fragments ? markdownFragments : markdown;
  if (cached) return cached;
  const p = DOMPurify(window);
  p.setConfig(fragments ? { ...MARKDOWN, RETURN_DOM_FRAGMENT: true } : MARKDOWN);
  p.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    if (el.tagName === "A") {
      const href = el.getAttribute("href");
      if (href === null || safeUrl(href) === null) el.removeAttribute("href");
      el.setAttribute("target", "_blank");
      el.setAttribute("rel", "noopener noreferrer");
    } else if (el.tagName === "IMG") {
      const src = el.getAttribute("src");
      if (src === null || !imageAllowed(src, imageHosts)) {
        el.replaceWith(el.ownerDocument.createTextNode(el.getAttribute("alt") ?? ""));
      } else {
        el.setAttribute("loading", "lazy");
        el.setAttribute("referrerpolicy", "no-referrer");
      }
    } else if (el.tagName === "INPUT") {
      if (el.getAttribute("type") !== "checkbox") el.remove();
      else el.setAttribute("disabled", "");
    }
  });
  if (fragments) markdownFragments = p;
  else markdown = p;
  return p;
}

export function sanitizeMarkdownHtml(html: string, allowedImageHosts: readonly string[] | null = null): string {
  return sanitizeMarkdownBlocks([html], allowedImageHosts)[0]!;
}

/**
 * Sanitizes several balanced HTML blocks in one DOMPurify pass (one parse instead of
 * one per block) and returns each block's sanitized HTML.
 */
export function sanitizeMarkdownBlocks(blocks: string[], allowedImageHosts: readonly string[] | null = null): string[] {
  if (!blocks.length) return [];
  const one = markdownPurifier(false);
  imageHosts = allowedImageHosts ? [...allowedImageHosts] : null;
  try {
    if (blocks.length === 1) return [String(one.sanitize(blocks[0]!))];
    const wrapped = blocks.map((b) => `<div>${b}</div>`).join("");
    const fragment = markdownPurifier(true).sanitize(wrapped) as unknown as DocumentFragment;
    const parts = Array.from(fragment.children, (el) => el.innerHTML);
    // Balanced input keeps one wrapper per block; anything else is sanitized one by one.
    return parts.length === blocks.length ? parts : blocks.map((b) => String(one.sanitize(b)));
  } finally {
    imageHosts = null;
  }
}

/** KaTeX output (HTML + MathML + SVG, with inline styles) from a trust:false render. */
export function sanitizeMathHtml(html: string): string {
  if (!math) {
    math = DOMPurify(window);
    math.setConfig({ USE_PROFILES: { html: true, mathMl: true, svg: true } });
  }
  return String(math.sanitize(html));
}
