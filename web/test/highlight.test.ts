import { describe, expect, it } from "vitest";
import { highlight } from "../src/ui/highlight";

const code = (text: string, lang: string): HTMLElement => {
  const el = document.createElement("code");
  el.textContent = text;
  highlight(el, lang);
  return el;
};

describe("highlight", () => {
  it("marks keywords, strings, numbers, calls and comments", () => {
    const el = code('def greet(name):\n    return "hi " + name  # say 42', "python");
    const kinds = [...el.querySelectorAll("span")].map((s) => `${s.className}:${s.textContent}`);
    expect(kinds).toEqual(["ck-hl-k:def", "ck-hl-f:greet", "ck-hl-k:return", 'ck-hl-s:"hi "', "ck-hl-c:# say 42"]);
    expect(el.textContent).toBe('def greet(name):\n    return "hi " + name  # say 42');
  });

  it("only treats # as a comment in languages that use it", () => {
    const el = code("#include <stdio.h>\nint x = 1;", "c");
    expect([...el.querySelectorAll(".ck-hl-c")]).toHaveLength(0);
    expect(el.querySelector(".ck-hl-n")?.textContent).toBe("1");
  });

  it("never turns code into markup", () => {
    const el = code('const s = "<img src=x onerror=alert(1)>";', "js");
    expect(el.querySelector("img")).toBeNull();
    expect(el.textContent).toContain("<img src=x onerror=alert(1)>");
  });
});
