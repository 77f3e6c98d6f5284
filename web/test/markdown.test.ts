import { describe, expect, it } from "vitest";
import { parseBlocks } from "../src/markdown/blocks";
import { IncrementalMarkdown, renderMarkdown } from "../src/markdown/incremental";
import { renderInline } from "../src/markdown/inline";

const md = (s: string): string => renderMarkdown(s, {});

describe("block parser", () => {
  it("recognises GFM blocks", () => {
    const kinds = parseBlocks(
      "# Title\n\npara\ntext\n\n- a\n- b\n\n1. one\n2. two\n\n> quote\n\n```js\nx = 1\n```\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n---\n\n$$\nx^2\n$$",
    ).map((b) => b.t);
    expect(kinds).toEqual(["h", "p", "list", "list", "quote", "code", "table", "hr", "math"]);
  });

  it("nests lists and detects task items", () => {
    const [list] = parseBlocks("- [x] done\n- [ ] todo\n  - nested");
    expect(list).toMatchObject({ t: "list", items: [{ task: true }, { task: false }] });
    if (list?.t !== "list") throw new Error("not a list");
    expect(list.items[1]!.blocks.map((b) => b.t)).toEqual(["p", "list"]);
  });

  it("keeps an unterminated fence open to the end", () => {
    expect(parseBlocks("```py\nprint(1)\n\nmore")).toEqual([{ t: "code", lang: "py", code: "print(1)\n\nmore" }]);
  });
});

describe("rendering", () => {
  it("renders inline markup", () => {
    expect(renderInline("**b** *i* ~~s~~ `c` [l](https://x.y)")).toBe(
      '<strong>b</strong> <em>i</em> <del>s</del> <code>c</code> <a href="https://x.y" target="_blank" rel="noopener noreferrer">l</a>',
    );
  });

  it("escapes raw HTML instead of passing it through", () => {
    expect(md("<b>x</b> & y")).toBe("<p>&lt;b&gt;x&lt;/b&gt; &amp; y</p>");
  });

  it("autolinks bare URLs and keeps snake_case words intact", () => {
    expect(renderInline("see https://a.b/c). snake_case_word")).toBe(
      'see <a href="https://a.b/c" target="_blank" rel="noopener noreferrer">https://a.b/c</a>). snake_case_word',
    );
  });

  it("renders tables with alignment", () => {
    expect(md("| a | b |\n|:--|--:|\n| 1 | 2 |")).toContain('<th align="left">a</th><th align="right">b</th>');
  });

  it("marks inline and display math for lazy KaTeX, but leaves prices alone", () => {
    expect(renderInline("$x^2$ costs $5 and $10")).toBe('<span class="ck-math" data-tex="x^2">x^2</span> costs $5 and $10');
    expect(md("$$\\frac{a}{b}$$")).toContain('class="ck-math" data-display=""');
  });

  it("turns single newlines into line breaks", () => {
    expect(md("a\nb")).toBe("<p>a<br>b</p>");
  });
});

describe("incremental parsing", () => {
  it("matches a full parse at every prefix of a streamed document", () => {
    const doc =
      "# Head\n\nSome *text* with `code`.\n\n- one\n- two\n\n  continued\n\n```ts\nconst a = 1;\n```\n\n| h | i |\n|---|---|\n| 1 | 2 |\n\n> q\n> r\n\nend **bold**";
    const inc = new IncrementalMarkdown({}, (b) => b);
    for (let n = 1; n <= doc.length; n += 3) {
      const prefix = doc.slice(0, n);
      expect(inc.update(prefix).join("")).toBe(md(prefix));
    }
  });

  it("only re-renders the open block", () => {
    let calls = 0;
    const inc = new IncrementalMarkdown({}, (b) => {
      calls += b.length;
      return b;
    });
    inc.update("para one\n\npara two\n\npara three");
    calls = 0;
    inc.update("para one\n\npara two\n\npara three and more");
    expect(calls).toBe(1);
  });

  it("starts over when the text is not an append", () => {
    const inc = new IncrementalMarkdown({}, (b) => b);
    inc.update("first\n\nsecond");
    expect(inc.update("other\n\nthing").join("")).toBe("<p>other</p><p>thing</p>");
  });
});
