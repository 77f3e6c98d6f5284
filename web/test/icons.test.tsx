import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { Icon } from "../src/ui/icons";
import { lucideGlyph } from "../src/ui/lucide";
import { decodeLucide, encodeLucide, LUCIDE_SHARDS, type LucideNode, lucideShard } from "../src/ui/lucideFormat";
import { en } from "../src/i18n/en";
import type { WidgetHost } from "../src/widgets/host";
import { WidgetView } from "../src/widgets/WidgetView";

const NODES = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("lucide-static/icon-nodes.json"), "utf8")) as Record<string, LucideNode[]>;

/** An element's attributes as a plain record (what the SVG in the page carries). */
const attrsOf = (el: Element): Record<string, string> => Object.fromEntries([...el.attributes].map((a) => [a.name, a.value]));
const drawn = (svg: Element): LucideNode[] => [...svg.children].map((c) => [c.tagName.toLowerCase(), attrsOf(c)]);

const mounted: HTMLElement[] = [];
function mount(vnode: preact.ComponentChild): HTMLElement {
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(el);
  render(vnode, el);
  return el;
}
afterEach(() => {
  for (const el of mounted.splice(0)) {
    render(null, el);
    el.remove();
  }
});

async function settled(el: HTMLElement, done: (svg: SVGElement) => boolean): Promise<SVGElement> {
  for (let i = 0; i < 200; i++) {
    const svg = el.querySelector("svg");
    if (svg && done(svg)) return svg;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`icon never settled: ${el.innerHTML}`);
}

describe("the Lucide format", () => {
  it("stores every icon of the package and gives back exactly its elements", () => {
    expect(Object.keys(NODES).length).toBeGreaterThan(1500);
    for (const [name, nodes] of Object.entries(NODES)) expect(decodeLucide(encodeLucide(nodes)), name).toEqual(nodes);
  });

  it("refuses an element it cannot hold", () => {
    expect(() => encodeLucide([["text", { x: "1" }]])).toThrow(/cannot encode/);
    expect(() => encodeLucide([["circle", { cx: "1", cy: "1", r: "1", stroke: "red" }]])).toThrow(/cannot encode/);
  });

  it("spreads the names over every chunk", () => {
    const counts = new Array<number>(LUCIDE_SHARDS).fill(0);
    for (const name of Object.keys(NODES)) counts[lucideShard(name)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(Object.keys(NODES).length / LUCIDE_SHARDS / 2);
  });
});

describe("lucide: icons", () => {
  it("maps a name to the package's icon of that name, through the lazy chunks", async () => {
    for (const name of ["house", "rocket", "brain-circuit", "square-dashed", "zap"]) expect(await lucideGlyph(name), name).toEqual(NODES[name]);
  });

  it("knows no icon for names outside the set", async () => {
    for (const name of ["no-such-icon", "__proto__", "constructor", ""]) expect(await lucideGlyph(name), name).toBeNull();
  });

  it("draws the real glyph once its chunk has loaded", async () => {
    const el = mount(<Icon name="lucide:rocket" label="Launch" />);
    const svg = await settled(el, (s) => s.children.length > 0);
    expect(drawn(svg)).toEqual(NODES.rocket);
    expect(svg.getAttribute("aria-label")).toBe("Launch");
  });

  it("draws the neutral glyph for an unknown name", async () => {
    const el = mount(<Icon name="lucide:definitely-not-an-icon" />);
    const svg = await settled(el, (s) => s.children.length > 0);
    expect(svg.children).toHaveLength(1);
    expect(svg.querySelector("path")?.getAttribute("d")).toMatch(/^M12 3a9 9/);
  });

  it("keeps the built-in drawings for ChatKit's own names", () => {
    const el = mount(<Icon name="star" />);
    expect(el.querySelector("path")?.getAttribute("d")).toMatch(/^M12 3l2.8/);
  });

  it("serves widgets too", async () => {
    const host: WidgetHost = {
      action: () => Promise.resolve(),
      blocked: false,
      Markdown: ({ text }) => <div>{text}</div>,
      imageAllowed: () => true,
      strings: en,
      colorScheme: "light",
      schemeVariables: () => ({}),
    };
    const root = { type: "Card", children: [{ type: "Icon", name: "lucide:bike" }, { type: "Button", label: "Ride", iconStart: "lucide:bus" }] };
    const el = mount(<WidgetView root={root as never} host={host} />);
    await settled(el, () => [...el.querySelectorAll("svg")].every((s) => s.children.length > 0));
    const [icon, button] = [...el.querySelectorAll("svg")];
    expect(drawn(icon!)).toEqual(NODES.bike);
    expect(drawn(button!)).toEqual(NODES.bus);
  });
});
