import { render } from "preact";
import { describe, expect, it, vi } from "vitest";
import { en } from "../src/i18n/en";
import type { WidgetHost } from "../src/widgets/host";
import type { ActionConfig, WidgetRoot } from "../src/widgets/types";
import { WidgetView } from "../src/widgets/WidgetView";

function host(over: Partial<WidgetHost> = {}): WidgetHost & { actions: ActionConfig[] } {
  const actions: ActionConfig[] = [];
  return {
    actions,
    action: vi.fn(async (a: ActionConfig) => void actions.push(a)),
    blocked: false,
    Markdown: ({ text }) => <div class="md">{text}</div>,
    imageAllowed: (src) => src.startsWith("https://ok/"),
    strings: en,
    colorScheme: "light",
    schemeVariables: (scheme) => ({ "--ck-bg": scheme === "dark" ? "black" : "white" }),
    ...over,
  };
}

function mount(root: WidgetRoot, h: WidgetHost): HTMLElement {
  const el = document.createElement("div");
  document.body.appendChild(el);
  render(<WidgetView root={root} host={h} />, el);
  return el;
}
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe("WidgetView", () => {
  it("renders a card with status, text, badge, image policy and a confirm action", async () => {
    const h = host();
    const el = mount(
      {
        type: "Card",
        status: { text: "Booking", icon: "calendar" },
        children: [
          { type: "Title", value: "Flight 42" },
          { type: "Text", value: "Window seat", color: "secondary" },
          { type: "Badge", label: "Confirmed", color: "success" },
          { type: "Image", src: "https://ok/a.png", alt: "ok" },
          { type: "Image", src: "https://evil/b.png", alt: "blocked" },
          { type: "Markdown", value: "**md**" },
          { type: "Mystery", children: [{ type: "Text", value: "inside unknown" }] },
        ],
        confirm: { label: "Book", action: { type: "book", payload: { id: 42 } } },
        cancel: { label: "Cancel", action: { type: "cancel" } },
      },
      h,
    );
    expect(el.querySelector(".ckw-status")?.textContent).toContain("Booking");
    expect(el.querySelector(".ckw-title")?.textContent).toBe("Flight 42");
    expect(el.querySelectorAll("img")).toHaveLength(1);
    expect(el.textContent).toContain("blocked");
    expect(el.querySelector(".md")?.textContent).toBe("**md**");
    expect(el.textContent).toContain("inside unknown");
    const book = [...el.querySelectorAll("button")].find((b) => b.textContent === "Book")!;
    book.click();
    await flush();
    expect(h.actions).toEqual([{ type: "book", payload: { id: 42 }, handler: "server", loadingBehavior: "auto", streaming: true }]);
  });

  it("merges form values into the action payload (dotted names nest)", async () => {
    const h = host();
    const el = mount(
      {
        type: "Card",
        asForm: true,
        children: [{ type: "Text", value: "Form" }],
        confirm: { label: "Save", action: { type: "save", payload: { keep: 1 } } },
      },
      h,
    );
    const form = el.querySelector("form")!;
    form.insertAdjacentHTML("beforeend", '<input name="todo.title" value="Buy milk"><input type="checkbox" name="done" checked>');
    [...el.querySelectorAll("button")].find((b) => b.textContent === "Save")!.click();
    await flush();
    expect(h.actions[0]!.payload).toEqual({ keep: 1, todo: { title: "Buy milk" }, done: true });
  });

  it("blocks streamed server actions while a reply streams, but not sync or client ones", async () => {
    const h = host({ blocked: true });
    const el = mount(
      {
        type: "Basic",
        children: [
          { type: "Button", label: "Server", onClickAction: { type: "s" } },
          { type: "Button", label: "Sync", onClickAction: { type: "y", streaming: false } },
          { type: "Button", label: "Client", onClickAction: { type: "c", handler: "client" } },
        ],
      },
      h,
    );
    const buttons = [...el.querySelectorAll("button")];
    expect(buttons.map((b) => b.disabled)).toEqual([true, false, false]);
    buttons[1]!.click();
    buttons[2]!.click();
    await flush();
    expect(h.actions.map((a) => a.type)).toEqual(["y", "c"]);
  });

  it("limits a list view and expands it on demand; rows fire their action", async () => {
    const h = host();
    const rows = Array.from({ length: 5 }, (_, i) => ({
      type: "ListViewItem",
      onClickAction: { type: "pick", payload: { i } },
      children: [{ type: "Text", value: `row ${i}` }],
    }));
    const el = mount({ type: "ListView", limit: 2, children: rows }, h);
    expect(el.querySelectorAll(".ckw-list-item")).toHaveLength(2);
    const more = el.querySelector<HTMLButtonElement>(".ckw-show-more")!;
    expect(more.textContent).toBe("Show more");
    more.click();
    await flush();
    expect(el.querySelectorAll(".ckw-list-item")).toHaveLength(5);
    el.querySelectorAll<HTMLElement>(".ckw-list-item")[3]!.click();
    await flush();
    expect(h.actions[0]!.payload).toEqual({ i: 3 });
  });

  it('limit "auto" shows the rows that fit its height, and never hides just one', async () => {
    // happy-dom has no layout: give every row a height of 100 px, stacked from 0.
    const rect = vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(function (this: Element) {
      const row = this.parentElement?.classList.contains("ckw-list") ? [...this.parentElement.children].indexOf(this) : -1;
      return { top: row * 100, bottom: (row + 1) * 100 } as DOMRect;
    });
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ type: "ListViewItem", children: [{ type: "Text", value: `row ${i}` }] }));
    try {
      const long = mount({ type: "ListView", limit: "auto", children: rows(8) }, host());
      await flush();
      expect(long.querySelectorAll(".ckw-list-item")).toHaveLength(3); // 360 px hold three 100 px rows
      expect(long.querySelector(".ckw-show-more")).not.toBeNull();
      const short = mount({ type: "ListView", limit: "auto", children: rows(4) }, host());
      await flush();
      expect(short.querySelectorAll(".ckw-list-item")).toHaveLength(4); // one more row: shown, no control
      expect(short.querySelector(".ckw-show-more")).toBeNull();
    } finally {
      rect.mockRestore();
    }
  });

  it("keeps hostile style values inside their declaration and fetches nothing", () => {
    const el = mount(
      {
        type: "Basic",
        children: [
          { type: "Box", background: "red;}</style><img src=x onerror=alert(1)>", children: [] },
          { type: "Box", background: "url(https://tracker.test/p.gif)", children: [] },
          { type: "Box", background: "linear-gradient(90deg, red, blue)", children: [] },
        ],
      },
      host(),
    );
    expect(el.querySelector("img")).toBeNull();
    const boxes = el.querySelectorAll<HTMLElement>(".ckw-basic > .ckw-box");
    expect(boxes[1]!.getAttribute("style") ?? "").not.toContain("tracker");
    expect(boxes[2]!.style.background).toContain("linear-gradient");
  });
});
