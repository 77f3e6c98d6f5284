import { render } from "preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { en } from "../src/i18n/en";
import { COMPONENTS } from "../src/widgets/components";
import type { WidgetHost } from "../src/widgets/host";
import type { ActionConfig, WidgetNode, WidgetRoot } from "../src/widgets/types";
import { WidgetView } from "../src/widgets/WidgetView";

type TestHost = WidgetHost & { actions: ActionConfig[]; release: () => void };

/** A host whose actions stay pending until `release()` (to observe loading states). */
function host(over: Partial<WidgetHost> = {}, hold = false): TestHost {
  const actions: ActionConfig[] = [];
  let waiting: (() => void)[] = [];
  return {
    actions,
    release: () => {
      for (const r of waiting) r();
      waiting = [];
    },
    action: vi.fn((a: ActionConfig) => {
      actions.push(a);
      return hold ? new Promise<void>((r) => waiting.push(r)) : Promise.resolve();
    }),
    blocked: false,
    Markdown: ({ text }) => <div class="md">{text}</div>,
    imageAllowed: () => true,
    strings: en,
    colorScheme: "light",
    schemeVariables: (scheme) => ({ "--ck-bg": scheme === "dark" ? "black" : "white" }),
    ...over,
  };
}

const mounted: HTMLElement[] = [];
function mount(root: WidgetRoot, h: WidgetHost): HTMLElement {
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(el);
  render(<WidgetView root={root} host={h} />, el);
  return el;
}
afterEach(() => {
  for (const el of mounted.splice(0)) {
    render(null, el);
    el.remove();
  }
});
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const card = (children: WidgetNode[], extra: Record<string, unknown> = {}): WidgetRoot => ({ type: "Card", children, ...extra });
const button = (el: HTMLElement, name: string): HTMLButtonElement =>
  [...el.querySelectorAll("button")].find((b) => b.textContent?.trim() === name)!;
const type = (input: HTMLInputElement | HTMLTextAreaElement, value: string): void => {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
};

describe("component coverage", () => {
  it("has a renderer for every ChatKit component", () => {
    const types = [
      "Box",
      "Row",
      "Col",
      "Form",
      "Spacer",
      "Divider",
      "Transition",
      "Text",
      "Title",
      "Caption",
      "Markdown",
      "Label",
      "Badge",
      "Icon",
      "Image",
      "Table",
      "Table.Row",
      "Table.Cell",
      "Chart",
      "Button",
      "Input",
      "Textarea",
      "Select",
      "DatePicker",
      "Checkbox",
      "RadioGroup",
      "ListViewItem",
    ];
    expect(Object.keys(COMPONENTS).sort()).toEqual(types.sort());
  });

  it("survives malformed props", () => {
    const junk: Record<string, unknown> = { options: "x", children: 5, value: { a: 1 }, label: [], name: null, data: 3, series: "s" };
    const el = mount(card(Object.keys(COMPONENTS).map((type) => ({ ...junk, type }) as WidgetNode)), host());
    expect(el.querySelector(".ckw-card")).not.toBeNull();
  });
});

describe("forms", () => {
  const fields: WidgetNode[] = [
    { type: "Label", value: "Name", fieldName: "guest.name" },
    { type: "Input", name: "guest.name", required: true, placeholder: "Your name" },
    { type: "Input", name: "guest.email", inputType: "email", defaultValue: "a@b.co" },
    { type: "Textarea", name: "notes", rows: 2, pattern: "[a-z ]*", defaultValue: "quiet table" },
    { type: "Text", value: "Editable", editable: { name: "title", required: true } },
    {
      type: "Select",
      name: "party.size",
      defaultValue: "2",
      options: [
        { value: "2", label: "Two" },
        { value: "4", label: "Four" },
      ],
    },
    { type: "DatePicker", name: "date", defaultValue: "2025-06-01T00:00:00" },
    { type: "Checkbox", name: "party.highchair", label: "High chair", defaultChecked: true },
    {
      type: "RadioGroup",
      name: "seating",
      defaultValue: "terrace",
      options: [
        { value: "inside", label: "Inside" },
        { value: "terrace", label: "Terrace" },
      ],
    },
    { type: "Button", submit: true, label: "Book" },
  ];
  const bookForm = (): WidgetRoot =>
    card([{ type: "Form", onSubmitAction: { type: "book", payload: { id: 1, notes: "payload wins" } }, children: fields }]);

  it("submits every named value, dotted names nested, the payload's own keys winning", async () => {
    const h = host();
    const el = mount(bookForm(), h);
    type(el.querySelector<HTMLInputElement>('input[name="guest.name"]')!, "Ada");
    button(el, "Book").click();
    await flush();
    expect(h.actions).toHaveLength(1);
    expect(h.actions[0]!.payload).toEqual({
      id: 1,
      notes: "payload wins",
      guest: { name: "Ada", email: "a@b.co" },
      title: "Editable",
      party: { size: "2", highchair: true },
      date: "2025-06-01",
      seating: "terrace",
    });
  });

  it("does not submit with an invalid field, and says why next to it until fixed", async () => {
    const h = host();
    const el = mount(bookForm(), h);
    const notes = el.querySelector<HTMLTextAreaElement>('textarea[name="notes"]')!;
    type(notes, "NOT lowercase");
    button(el, "Book").click();
    await flush();
    expect(h.actions).toHaveLength(0);
    const name = el.querySelector<HTMLInputElement>('input[name="guest.name"]')!;
    expect(name.getAttribute("aria-invalid")).toBe("true");
    const message = el.querySelector(`[id="${name.getAttribute("aria-describedby")}"]`);
    expect(message?.textContent).toBeTruthy();
    expect(notes.parentElement!.querySelector(".ckw-field-error")?.textContent).toBe(en.invalidFormat);
    type(name, "Ada");
    type(notes, "by the window");
    await flush();
    expect(el.querySelectorAll(".ckw-field-error")).toHaveLength(0);
    button(el, "Book").click();
    await flush();
    expect(h.actions).toHaveLength(1);
  });

  it("ties labels to their controls and names radio groups by their label", () => {
    const el = mount(card([...fields, { type: "Label", value: "Seating", fieldName: "seating" }]), host());
    const label = el.querySelector<HTMLLabelElement>("label.ckw-label")!;
    expect(el.querySelector(`[id="${label.htmlFor}"]`)?.getAttribute("name")).toBe("guest.name");
    const group = el.querySelector('[role="radiogroup"]')!;
    expect(el.querySelector(`[id="${group.getAttribute("aria-labelledby")}"]`)?.textContent).toBe("Seating");
  });

  it("sends the card's form values with confirm, validating first, and collapses after", async () => {
    const h = host();
    const root = card([{ type: "Input", name: "email", inputType: "email", required: true }], {
      asForm: true,
      collapsed: true,
      confirm: { label: "Send", action: { type: "send", payload: { to: "team" } } },
      cancel: { label: "Cancel", action: { type: "cancel" } },
    });
    const el = mount(root, h);
    button(el, "Send").click();
    await flush();
    expect(h.actions).toHaveLength(0);
    button(el, "Cancel").click(); // cancelling needs no valid form
    await flush();
    expect(h.actions.map((a) => a.type)).toEqual(["cancel"]);
    type(el.querySelector("input")!, "me@example.com");
    button(el, "Send").click();
    await flush();
    expect(h.actions[1]!.payload).toEqual({ to: "team", email: "me@example.com" });
    expect(el.querySelector("input")).toBeNull(); // collapsed
    button(el, en.showMore).click();
    await flush();
    expect(el.querySelector("input")).not.toBeNull();
  });
});

describe("change actions and Select", () => {
  const options = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      value: `v${i}`,
      label: `Option ${i}`,
      description: i === 1 ? "The second" : undefined,
      disabled: i === 2,
    }));

  it("opens a listbox, skips disabled options from the keyboard, and sends the choice", async () => {
    const h = host();
    const el = mount(
      card([
        {
          type: "Select",
          name: "plan",
          placeholder: "Pick one",
          options: options(4),
          onChangeAction: { type: "plan.changed", payload: { from: "test" } },
        },
      ]),
      h,
    );
    const trigger = el.querySelector<HTMLButtonElement>('[role="combobox"]')!;
    expect(trigger.textContent).toContain("Pick one");
    trigger.click();
    await flush();
    const opts = el.querySelectorAll('[role="option"]');
    expect(opts).toHaveLength(4);
    expect(opts[1]!.textContent).toContain("The second");
    expect(opts[2]!.getAttribute("aria-disabled")).toBe("true");
    expect(el.querySelector(".ckw-select-search")).toBeNull(); // few options: no search
    const key = (k: string) => trigger.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowDown"); // v0 -> v1
    await flush();
    key("ArrowDown"); // v2 is disabled -> v3
    await flush();
    expect(trigger.getAttribute("aria-activedescendant")).toBe(opts[3]!.id);
    key("Enter");
    await flush();
    expect(h.actions[0]).toMatchObject({ type: "plan.changed", payload: { from: "test", plan: "v3" }, loadingBehavior: "auto" });
    expect(el.querySelector<HTMLInputElement>('input[name="plan"]')!.value).toBe("v3");
    expect(trigger.textContent).toContain("Option 3");
    expect(el.querySelector(".ck-spinner")).toBeNull(); // auto on a change action: no loading state
  });

  it("searches long lists and clears when clearable", async () => {
    const h = host();
    const el = mount(card([{ type: "Select", name: "city", clearable: true, defaultValue: "v0", options: options(20) }]), h);
    el.querySelector<HTMLButtonElement>('[role="combobox"]')!.click();
    await flush();
    const search = el.querySelector<HTMLInputElement>(".ckw-select-search")!;
    expect(search).not.toBeNull();
    type(search, "option 1");
    await flush();
    expect([...el.querySelectorAll('[role="option"]')].map((o) => o.querySelector(".ckw-option-label")!.textContent)).toEqual([
      "Option 1",
      "Option 10",
      "Option 11",
      "Option 12",
      "Option 13",
      "Option 14",
      "Option 15",
      "Option 16",
      "Option 17",
      "Option 18",
      "Option 19",
    ]);
    type(search, "zzz");
    await flush();
    expect(el.querySelector(".ckw-empty")?.textContent).toBe(en.noResults);
    search.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await flush();
    expect(el.querySelector('[role="listbox"]')).toBeNull();
    el.querySelector<HTMLButtonElement>(`[aria-label="${en.clear}"]`)!.click();
    await flush();
    expect(el.querySelector<HTMLInputElement>('input[name="city"]')!.value).toBe("");
  });

  it("inside a form, a change sends the new value (not the one the form still holds) with the rest", async () => {
    const h = host();
    const el = mount(
      card([
        {
          type: "Form",
          children: [
            { type: "Input", name: "profile.name", defaultValue: "Ada" },
            {
              type: "Select",
              name: "profile.country",
              defaultValue: "fr",
              options: [
                { value: "fr", label: "France" },
                { value: "de", label: "Germany" },
              ],
              onChangeAction: { type: "country" },
            },
          ],
        },
      ]),
      h,
    );
    el.querySelector<HTMLButtonElement>('[role="combobox"]')!.click();
    await flush();
    el.querySelectorAll<HTMLElement>('[role="option"]')[1]!.click();
    await flush();
    expect(h.actions[0]!.payload).toEqual({ profile: { name: "Ada", country: "de" } });
  });

  it("sends a checkbox's, radio group's and date's own value outside any form", async () => {
    const h = host();
    const el = mount(
      card([
        { type: "Checkbox", name: "agree", label: "Agree", onChangeAction: { type: "agree" } },
        {
          type: "RadioGroup",
          name: "size",
          options: [
            { value: "s", label: "S" },
            { value: "m", label: "M" },
          ],
          onChangeAction: { type: "size", payload: { size: "kept" } },
        },
        { type: "DatePicker", name: "when", onChangeAction: { type: "when" }, min: "2025-01-01T00:00:00Z" },
      ]),
      h,
    );
    el.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    el.querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]!.click();
    const date = el.querySelector<HTMLInputElement>('input[type="date"]')!;
    expect(date.min).toBe("2025-01-01");
    date.value = "2025-03-04";
    date.dispatchEvent(new Event("change", { bubbles: true }));
    await flush();
    expect(h.actions.map((a) => a.payload)).toEqual([{ agree: true }, { size: "kept" }, { when: "2025-03-04" }]);
  });
});

describe("DatePicker", () => {
  it("is a date picker for dates (midnight datetimes included) and sends YYYY-MM-DD", () => {
    const el = mount(card([{ type: "DatePicker", name: "d", defaultValue: "2025-06-01T00:00:00", max: "2025-12-31" }]), host());
    const input = el.querySelector<HTMLInputElement>("input[name=d]")!;
    expect(input.type).toBe("date");
    expect(input.value).toBe("2025-06-01");
    expect(input.max).toBe("2025-12-31");
  });

  it("gets a time part when its value, min or max has one", async () => {
    const h = host();
    const el = mount(
      card([
        { type: "DatePicker", name: "meet", defaultValue: "2025-06-01T14:30:00Z", min: "2025-06-01", onChangeAction: { type: "meet" } },
        { type: "DatePicker", name: "from", min: "2025-01-01T09:00:00" },
      ]),
      h,
    );
    const meet = el.querySelector<HTMLInputElement>("input[name=meet]")!;
    expect(meet.type).toBe("datetime-local");
    expect(meet.value).toBe("2025-06-01T14:30");
    expect(meet.min).toBe("2025-06-01T00:00");
    expect(el.querySelector<HTMLInputElement>("input[name=from]")!.type).toBe("datetime-local");
    meet.value = "2025-06-02T08:15";
    meet.dispatchEvent(new Event("change", { bubbles: true }));
    await flush();
    expect(h.actions.map((a) => a.payload)).toEqual([{ meet: "2025-06-02T08:15" }]);
  });
});

describe("loading behaviours", () => {
  const buttons = (behavior: string) => card([{ type: "Button", label: "Go", onClickAction: { type: "go", loadingBehavior: behavior } }]);

  it("self: a spinner on the button until the action settles", async () => {
    const h = host({}, true);
    const el = mount(buttons("auto"), h);
    button(el, "Go").click();
    await flush();
    expect(button(el, "Go").getAttribute("aria-busy")).toBe("true");
    expect(button(el, "Go").querySelector(".ck-spinner")).not.toBeNull();
    expect(el.querySelector(".ckw-root")!.hasAttribute("inert")).toBe(false);
    h.release();
    await flush();
    expect(button(el, "Go").querySelector(".ck-spinner")).toBeNull();
  });

  it("container: the whole widget fades and turns inert", async () => {
    const h = host({}, true);
    const el = mount(buttons("container"), h);
    button(el, "Go").click();
    await flush();
    const root = el.querySelector(".ckw-root")!;
    expect(root.classList.contains("ckw-loading")).toBe(true);
    expect(root.hasAttribute("inert")).toBe(true);
    expect(el.querySelector(".ck-spinner")).toBeNull();
    h.release();
    await flush();
    expect(root.hasAttribute("inert")).toBe(false);
  });

  it("none: no loading state at all", async () => {
    const h = host({}, true);
    const el = mount(buttons("none"), h);
    button(el, "Go").click();
    await flush();
    expect(el.querySelector(".ck-spinner, .ckw-loading, [aria-busy]")).toBeNull();
    h.release();
  });
});

describe("table, chart, theme, transition", () => {
  it("renders header rows as a thead of column headers, with cell spans and alignment", () => {
    const cell = (value: string, extra = {}) => ({ type: "Table.Cell", ...extra, children: [{ type: "Text", value }] });
    const el = mount(
      card([
        {
          type: "Table",
          children: [
            { type: "Table.Row", header: true, children: [cell("Item"), cell("Qty", { align: "end" })] },
            { type: "Table.Row", children: [cell("Tea", { rowSpan: 2, vAlign: "start" }), cell("2", { align: "end", width: 80 })] },
            { type: "Table.Row", children: [cell("1", { align: "end" })] },
            { type: "Table.Row", children: [cell("Total", { colSpan: 2, align: "center", padding: { x: 4 } })] },
          ],
        },
      ]),
      host(),
    );
    const th = el.querySelectorAll("thead th");
    expect([...th].map((c) => c.textContent)).toEqual(["Item", "Qty"]);
    expect(th[0]!.getAttribute("scope")).toBe("col");
    const tds = el.querySelectorAll<HTMLTableCellElement>("tbody td");
    expect(tds[0]!.rowSpan).toBe(2);
    expect(tds[0]!.style.verticalAlign).toBe("top");
    expect(tds[1]!.style.textAlign).toBe("end");
    expect(tds[1]!.style.width).toBe("80px");
    expect(tds[3]!.colSpan).toBe(2);
    expect(tds[3]!.style.paddingLeft).toBe("calc(4 * 0.25rem)");
  });

  it("loads the chart chunk and draws bars, lines and a legend", async () => {
    const el = mount(
      card([
        {
          type: "Chart",
          height: 160,
          data: [
            { m: "Jan", a: 3, b: 5 },
            { m: "Feb", a: 6, b: 2 },
          ],
          xAxis: "m",
          series: [
            { type: "bar", dataKey: "a", label: "Apples", color: "green" },
            { type: "line", dataKey: "b", label: "Bees" },
          ],
        },
      ]),
      host(),
    );
    await vi.waitFor(() => expect(el.querySelector("svg")).not.toBeNull());
    expect(el.querySelectorAll("rect.ckw-chart-bar")).toHaveLength(2);
    expect((el.querySelector("rect.ckw-chart-bar") as SVGElement).style.fill).toBe("var(--ckw-chart-green)");
    expect(el.querySelector("path.ckw-chart-line")!.getAttribute("d")).toMatch(/^M/);
    expect([...el.querySelectorAll(".ckw-legend li")].map((li) => li.textContent)).toEqual(["Apples", "Bees"]);
    expect(el.querySelector(".ckw-chart-plot")!.getAttribute("aria-label")).toBe("Apples, Bees");
    // The tooltip follows the arrow keys; the data is also in a table for screen readers.
    const plot = el.querySelector<HTMLElement>(".ckw-chart-plot")!;
    const key = (k: string) => plot.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowRight");
    await flush();
    expect(el.querySelector(".ckw-chart-tooltip")?.textContent).toBe("JanApples3Bees5");
    key("ArrowRight");
    await flush();
    expect(el.querySelector(".ckw-chart-tooltip-title")?.textContent).toBe("Feb");
    expect(el.querySelectorAll("circle.ckw-chart-dot")).toHaveLength(1);
    key("Escape");
    await flush();
    expect(el.querySelector(".ckw-chart-tooltip")).toBeNull();
    expect([...el.querySelectorAll("table.ck-sr-only tbody tr")].map((r) => r.textContent)).toEqual(["Jan35", "Feb62"]);
  });

  it("gives a root with its own theme the other scheme's variables", () => {
    const el = mount(card([{ type: "Text", value: "dark" }], { theme: "dark" }), host());
    const root = el.querySelector<HTMLElement>(".ckw-root")!;
    expect(root.classList.contains("ckw-scheme-dark")).toBe(true);
    expect(root.style.getPropertyValue("--ck-bg")).toBe("black");
  });

  it("keeps a Transition's single child, remounting it when its identity changes", () => {
    const h = host();
    const el = mount(card([{ type: "Transition", children: { type: "Text", key: "a", value: "first" } }]), h);
    const before = el.querySelector(".ckw-transition-child");
    expect(before?.textContent).toBe("first");
    render(<WidgetView root={card([{ type: "Transition", children: { type: "Text", key: "b", value: "second" } }])} host={h} />, el);
    const after = el.querySelector(".ckw-transition-child");
    expect(after?.textContent).toBe("second");
    expect(after).not.toBe(before);
  });
});
