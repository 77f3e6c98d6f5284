import { describe, expect, it, vi } from "vitest";
import { OpenAIChatKit } from "../src/index";

const METHODS = [
  "setOptions",
  "focusComposer",
  "setThreadId",
  "sendUserMessage",
  "setComposerValue",
  "sendCustomAction",
  "sendAction",
  "showHistory",
  "hideHistory",
  "fetchUpdates",
] as const;

const mount = (): OpenAIChatKit => {
  const el = document.createElement("openai-chatkit") as OpenAIChatKit;
  document.body.appendChild(el);
  return el;
};
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

describe("<openai-chatkit>", () => {
  it("is registered under the official tag and exposes every method", () => {
    expect(customElements.get("openai-chatkit")).toBe(OpenAIChatKit);
    const el = mount();
    for (const m of METHODS) expect(typeof el[m]).toBe("function");
    expect(el.shadowRoot?.mode).toBe("open");
  });

  it("fires chatkit.ready after the next frame, once, so listeners added after setOptions hear it", async () => {
    const el = mount();
    const heard: string[] = [];
    el.setOptions({ api: { url: "/chatkit", domainKey: "local" } });
    await tick(); // React adds its listeners in a passive effect, possibly a task later
    el.addEventListener("chatkit.ready", () => heard.push("ready"));
    expect(heard).toEqual([]);
    await frame();
    await frame();
    expect(heard).toEqual(["ready"]);
    el.setOptions({ api: { url: "/chatkit", domainKey: "local" }, theme: "dark" });
    await frame();
    await frame();
    expect(heard).toEqual(["ready"]);
  });

  it("renders the start screen with option strings in its shadow root, and re-renders on setOptions", async () => {
    const el = mount();
    el.setOptions({
      api: { url: "/chatkit", domainKey: "local" },
      startScreen: { greeting: "Hi there", prompts: [{ label: "Plan a trip", prompt: "Plan" }] },
    });
    await tick();
    const root = el.shadowRoot!;
    expect(root.querySelector(".ck-greeting")?.textContent).toBe("Hi there");
    expect(root.querySelector(".ck-prompt")?.textContent).toContain("Plan a trip");
    el.setOptions({ api: { url: "/chatkit", domainKey: "local" }, locale: "ar" });
    // The Arabic strings load on demand: wait for them, not for a fixed time.
    await vi.waitFor(() => expect(root.querySelector(".ck-greeting")?.textContent).toBe("كيف يمكنني مساعدتك اليوم؟"), { timeout: 10_000 });
    expect(root.querySelector(".ck-root")?.getAttribute("dir")).toBe("rtl");
  });

  it("applies the theme as CSS custom properties on the host", async () => {
    const el = mount();
    el.setOptions({
      api: { url: "/x" },
      theme: { colorScheme: "dark", radius: "sharp", typography: { baseSize: 18 }, color: { accent: { primary: "#ff5f42", level: 2 } } },
    } as never);
    await tick();
    const css = [...el.shadowRoot!.querySelectorAll("style")].map((s) => s.textContent).join("\n");
    expect(css).toContain("--ck-accent:#ff5f42");
    expect(css).toContain("--ck-r-control:0");
    expect(css).toContain("--ck-font-size:18px");
    expect(css).toContain("color-scheme:dark");
  });

  it("does not inject theme values that could break out of the style rule", async () => {
    const el = mount();
    el.setOptions({
      api: { url: "/x" },
      theme: { color: { accent: { primary: "red;}</style><img src=x onerror=alert(1)>", level: 1 } } },
    } as never);
    await tick();
    expect(el.shadowRoot!.querySelector("img")).toBeNull();
    const css = [...el.shadowRoot!.querySelectorAll("style")].map((s) => s.textContent).join("");
    expect(css).not.toContain("}</style>");
  });
});
