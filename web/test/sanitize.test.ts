// @vitest-environment jsdom
// DOMPurify needs a faithful DOM (happy-dom lets markup through unsanitized), so this
// file runs under jsdom, the DOM implementation DOMPurify itself is tested against.
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/markdown/incremental";
import { sanitizeMarkdownBlocks, sanitizeMarkdownHtml } from "../src/markdown/sanitize";

const render = (s: string, hosts: string[] | null = null): string =>
  renderMarkdown(s, {}, (blocks) => sanitizeMarkdownBlocks(blocks, hosts));

const dom = (html: string): HTMLElement => {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div;
};

const PAYLOADS = [
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(1)">',
  "<svg onload=alert(1)><circle/></svg>",
  "<style>body{background:url(https://evil)}</style>",
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="https://evil"></iframe>',
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](java\tscript:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD4=)",
  "[click](vbscript:msgbox)",
  "![x](javascript:alert(1))",
  '![x](https://ok.test/a.png" onerror="alert(1))',
  "<javascript:alert(1)>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
];

describe("markdown sanitization", () => {
  for (const payload of PAYLOADS) {
    it(`neutralises ${JSON.stringify(payload)}`, () => {
      const root = dom(render(payload));
      expect(root.querySelector("script,style,svg,iframe,math,object,embed")).toBeNull();
      for (const el of root.querySelectorAll("*")) {
        for (const attr of el.getAttributeNames()) expect(attr.startsWith("on")).toBe(false);
        const url = el.getAttribute("href") ?? el.getAttribute("src");
        if (url !== null) expect(url).toMatch(/^(https?:|mailto:|chatkit-link:|[^:]*$)/i);
      }
    });
  }

  it("sanitizes hostile HTML even if it reached the sanitizer directly", () => {
    const out = sanitizeMarkdownHtml('<p onclick="x()">a<script>b()</script><a href="javascript:c()">d</a><svg><g/></svg></p>');
    const root = dom(out);
    expect(root.querySelector("script,svg")).toBeNull();
    expect(root.querySelector("p")!.hasAttribute("onclick")).toBe(false);
    expect(root.querySelector("a")!.hasAttribute("href")).toBe(false);
  });

  it("sanitizes a batch of blocks in one pass and keeps them apart", () => {
    const out = sanitizeMarkdownBlocks(["<p>a</p>", '<p onclick="x()">b<script>c()</script></p>', '<img src="x" onerror="y()">', "<p>d"]);
    expect(out).toHaveLength(4);
    expect(out[0]).toBe("<p>a</p>");
    expect(out[1]).toBe("<p>b</p>");
    expect(out[2]).not.toContain("onerror");
    expect(out[3]).toBe("<p>d</p>");
  });

  it("keeps safe links and opens them in a new tab", () => {
    const a = dom(render("[docs](https://example.com) [mail](mailto:a@b.c) [deep](chatkit-link://open?x=1)")).querySelectorAll("a");
    expect([...a].map((x) => x.getAttribute("href"))).toEqual(["https://example.com", "mailto:a@b.c", "chatkit-link://open?x=1"]);
    expect(a[0]!.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("limits images to allowed_image_domains when the thread sets them", () => {
    const src = "![a](https://img.good.test/a.png) ![b](https://evil.test/b.png) ![c](https://cdn.img.good.test/c.png)";
    const all = dom(render(src));
    expect(all.querySelectorAll("img")).toHaveLength(3);
    const limited = dom(render(src, ["img.good.test"]));
    expect([...limited.querySelectorAll("img")].map((i) => i.getAttribute("alt"))).toEqual(["a", "c"]);
    expect(limited.textContent).toContain("b");
  });
});
