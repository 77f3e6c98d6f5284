// KaTeX is loaded on first use (its own chunk). Its stylesheet goes into the document,
// where @font-face works, and into each shadow root that shows math. The build ships the
// woff2 fonts in katex-fonts/ beside chatkit.mjs.
import { sanitizeMathHtml } from "../markdown/sanitize";

type Katex = typeof import("katex").default;
let katex: Promise<{ katex: Katex; css: string }> | null = null;

function load(): Promise<{ katex: Katex; css: string }> {
  katex ??= Promise.all([import("katex"), import("katex/dist/katex.min.css?raw")]).then(([k, css]) => {
    const fonts = new URL("katex-fonts/", import.meta.url).href;
    const style = document.createElement("style");
    style.dataset.chatkitKatex = "";
    style.textContent = css.default.replace(/url\(fonts\//g, `url(${fonts}`);
    document.head.appendChild(style);
    return { katex: k.default, css: css.default };
  });
  return katex;
}

/** Renders every pending `.ck-math` placeholder under `root`. */
export function renderMath(root: HTMLElement): void {
  const nodes = root.querySelectorAll<HTMLElement>(".ck-math:not([data-rendered])");
  if (!nodes.length) return;
  void load().then(({ katex: k, css }) => {
    const shadow = root.getRootNode();
    if (shadow instanceof ShadowRoot && !shadow.querySelector("style[data-chatkit-katex]")) {
      const style = document.createElement("style");
      style.dataset.chatkitKatex = "";
      style.textContent = css.replace(/@font-face\{[^}]*\}/g, "");
      shadow.appendChild(style);
    }
    for (const el of nodes) {
      const tex = el.dataset.tex ?? "";
      const html = k.renderToString(tex, {
        displayMode: el.hasAttribute("data-display"),
        throwOnError: false,
        trust: false,
        strict: "ignore",
      });
      el.innerHTML = sanitizeMathHtml(html);
      el.dataset.rendered = "";
    }
  });
}
