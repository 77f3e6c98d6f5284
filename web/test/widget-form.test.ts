import { describe, expect, it } from "vitest";
import { formValues, mergePayload, patternMatcher, setField, validateForm } from "../src/widgets/form";

function form(html: string): HTMLFormElement {
  const el = document.createElement("form");
  el.innerHTML = html;
  document.body.appendChild(el);
  return el;
}

describe("form values", () => {
  it("collects named controls by type, nesting dotted names", () => {
    const f = form(`
      <input name="guest.name" value="Ada">
      <input name="guest.email" type="email" value="ada@example.com">
      <textarea name="notes">Window seat</textarea>
      <input type="checkbox" name="prefs.newsletter" checked>
      <input type="checkbox" name="prefs.sms">
      <input type="radio" name="seating" value="inside">
      <input type="radio" name="seating" value="terrace" checked>
      <input type="hidden" name="plan" value="pro">
      <input name="skipped" value="x" disabled>
      <input value="no name">
      <button name="btn" value="b">Go</button>`);
    expect(formValues(f)).toEqual({
      guest: { name: "Ada", email: "ada@example.com" },
      notes: "Window seat",
      prefs: { newsletter: true, sms: false },
      seating: "terrace",
      plan: "pro",
    });
  });

  it("leaves out an unanswered radio group and ignores names that could reach a prototype", () => {
    const f = form(`<input type="radio" name="size" value="s"><input name="__proto__.polluted" value="1"><input name="a..b" value="2">`);
    expect(formValues(f)).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps the first value when names collide", () => {
    const values: Record<string, unknown> = {};
    setField(values, "todo", "flat");
    setField(values, "todo.title", "nested");
    setField(values, "todo", "again");
    expect(values).toEqual({ todo: "flat" });
  });
});

describe("mergePayload", () => {
  it("adds form values where the payload has none; the payload's own keys win", () => {
    const payload = { id: 7, todo: { id: 1, title: "from payload" }, tags: ["a"] };
    const values = { id: 99, todo: { title: "from form", done: true }, tags: { x: 1 }, extra: "e" };
    expect(mergePayload(payload, values)).toEqual({ id: 7, todo: { id: 1, title: "from payload", done: true }, tags: ["a"], extra: "e" });
    expect(payload.todo).toEqual({ id: 1, title: "from payload" }); // not mutated
  });

  it("keeps a payload that is not an object, and an absent one when there are no values", () => {
    expect(mergePayload("literal", { a: 1 })).toBe("literal");
    expect(mergePayload(undefined, {})).toBeUndefined();
    expect(mergePayload(null, { a: 1 })).toEqual({ a: 1 });
  });
});

describe("validation", () => {
  it("applies a pattern to the whole value, as browsers do", () => {
    const zip = patternMatcher("[0-9]{5}")!;
    expect(zip("12345")).toBe(true);
    expect(zip("123456")).toBe(false);
    expect(zip("")).toBe(true); // emptiness is `required`'s business
    expect(patternMatcher("(")).toBeNull();
    expect(patternMatcher(undefined)).toBeNull();
  });

  it("reports invalid controls through their invalid event and focuses the first", () => {
    const f = form(`<input name="ok" value="1"><input name="email" required><input name="code" pattern="[a-z]+" value="ABC">`);
    const invalid: string[] = [];
    for (const el of Array.from(f.elements)) el.addEventListener("invalid", () => invalid.push((el as HTMLInputElement).name));
    expect(validateForm(f)).toBe(false);
    expect(invalid).toEqual(["email", "code"]);
    expect(f.getRootNode() === document && document.activeElement).toBe(f.elements[1]);
    (f.elements[1] as HTMLInputElement).value = "a@b.c";
    (f.elements[2] as HTMLInputElement).value = "abc";
    expect(validateForm(f)).toBe(true);
  });
});
