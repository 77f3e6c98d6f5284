// The last gate before server-derived markup reaches the DOM: DOMPurify with an
// allow-list that matches exactly what the Markdown renderer produces, plus URL policy
// (links: http(s), mailto, chatkit-link, relative; images: thread.allowed_image_domains).
import DOMPurify from "dompurify";
import { safeUrl } from "./inline";

const MARKDOWN_TAGS = [
  "a", "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "input",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "div",
  "span", "sup", "img",
];
const MARKDOWN_ATTRS = [
  "href", "title", "target", "rel", "src", "alt", "start", "type", "checked", "disabled", "align",
  "class", "data-lang", "data-tex", "data-display", "data-cite", "role", "tabindex", "aria-label",
];
const URI = /^(?:(?:https?|mailto|chatkit-link):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/** Image policy for the sanitize call in progress (DOMPurify hooks are global). */
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

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
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
}

export function sanitizeMarkdownHtml(html: string, allowedImageHosts: readonly string[] | null = null): string {
  installHooks();
  imageHosts = allowedImageHosts ? [...allowedImageHosts] : null;
  try {
    return DOMPurify.sanitize(html, {
      ALLOWED_TAGS: MARKDOWN_TAGS,
      ALLOWED_ATTR: [...MARKDOWN_ATTRS, "loading", "referrerpolicy"],
      ALLOW_DATA_ATTR: false,
      ALLOWED_URI_REGEXP: URI,
    });
  } finally {
    imageHosts = null;
  }
}

/** KaTeX output (HTML + MathML + SVG, with inline styles) from a trust:false render. */
export function sanitizeMathHtml(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true, mathMl: true, svg: true } });
}
