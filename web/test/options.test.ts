import { describe, expect, it } from "vitest";
import { acceptAttribute, isAccepted, maxSizeFor, normalizeOptions, resolveTheme, DEFAULT_MAX_SIZE } from "../src/options";

describe("normalizeOptions", () => {
  it("fills documented defaults", () => {
    const o = normalizeOptions({ api: { url: "/chatkit", domainKey: "local" } });
    expect(o.api).toEqual({ kind: "custom", url: "/chatkit", fetch: undefined, uploadStrategy: undefined });
    expect(o.header.enabled).toBe(true);
    expect(o.history).toEqual({ enabled: true, showDelete: true, showRename: true });
    expect(o.threadItemActions).toEqual({ feedback: false, retry: false });
    expect(o.composer.attachments).toEqual({ enabled: false, maxSize: DEFAULT_MAX_SIZE, maxCount: 10, accept: undefined });
    expect(o.frameTitle).toBe("Chat");
    expect(o.initialThread).toBeNull();
    expect(o.autoScroll).toBe(false);
  });

  it("replaces rather than merges: a key left out returns to its default", () => {
    const first = normalizeOptions({ api: { url: "/a" }, threadItemActions: { feedback: true }, composer: { placeholder: "Ask" } });
    const second = normalizeOptions({ api: { url: "/a" } });
    expect(first.threadItemActions.feedback).toBe(true);
    expect(second.threadItemActions.feedback).toBe(false);
    expect(second.composer.placeholder).toBeUndefined();
  });

  it("ignores unknown keys and wrong types", () => {
    const o = normalizeOptions({ api: { url: "/a", bogus: 1 }, nonsense: true, header: { enabled: "yes" }, composer: { tools: "x", models: [null, { id: "m", label: "M" }] } });
    expect(o.header.enabled).toBe(true);
    expect(o.composer.tools).toEqual([]);
    expect(o.composer.models).toEqual([{ id: "m", label: "M" }]);
    expect(o).not.toHaveProperty("nonsense");
  });

  it("accepts domainKey without using it, and both upload strategies", () => {
    expect(normalizeOptions({ api: { url: "/a", domainKey: "k", uploadStrategy: { type: "two_phase" } } }).api).toMatchObject({ uploadStrategy: { type: "two_phase" } });
    expect(normalizeOptions({ api: { url: "/a", uploadStrategy: { type: "direct", uploadUrl: "/up" } } }).api).toMatchObject({ uploadStrategy: { type: "direct", uploadUrl: "/up" } });
    expect(normalizeOptions({ api: { url: "/a", uploadStrategy: { type: "direct" } } }).api).toMatchObject({ uploadStrategy: undefined });
  });

  it("recognises hosted mode by getClientSecret", () => {
    const getClientSecret = async () => "secret";
    expect(normalizeOptions({ api: { getClientSecret } }).api).toEqual({ kind: "hosted", getClientSecret });
  });

  it("only enables commands when commands.enabled is true", () => {
    expect(normalizeOptions({ commands: { enabled: false } }).commands).toBeUndefined();
    expect(normalizeOptions({ commands: { enabled: true } }).commands).toEqual({ enabled: true });
  });
});

describe("theme", () => {
  it("expands the string shorthand", () => {
    expect(resolveTheme("dark")).toEqual({ colorScheme: "dark" });
    expect(resolveTheme("light")).toEqual({ colorScheme: "light" });
    expect(resolveTheme({ radius: "sharp" })).toEqual({ radius: "sharp" });
    expect(resolveTheme(undefined)).toEqual({});
  });
});

describe("attachment limits", () => {
  const map = { "image/*": 10, "image/png": 5, "*": 50 };
  it("picks the most specific maxSize pattern, then the fallback", () => {
    expect(maxSizeFor(map, "image/png")).toBe(5);
    expect(maxSizeFor(map, "image/jpeg")).toBe(10);
    expect(maxSizeFor(map, "application/pdf")).toBe(50);
    expect(maxSizeFor({ "image/*": 10 }, "text/plain")).toBe(DEFAULT_MAX_SIZE);
    expect(maxSizeFor({ "": 7 }, "text/plain")).toBe(7);
    expect(maxSizeFor(1234, "anything")).toBe(1234);
  });

  it("checks accept by MIME pattern or extension", () => {
    const accept = { "image/*": [".png", ".jpg"], "application/pdf": [".pdf"] };
    expect(isAccepted(accept, { name: "a.PNG", type: "" })).toBe(true);
    expect(isAccepted(accept, { name: "x", type: "image/webp" })).toBe(true);
    expect(isAccepted(accept, { name: "doc.pdf", type: "application/pdf" })).toBe(true);
    expect(isAccepted(accept, { name: "a.txt", type: "text/plain" })).toBe(false);
    expect(isAccepted(undefined, { name: "a.txt", type: "text/plain" })).toBe(true);
    expect(acceptAttribute(accept)).toBe("image/*,.png,.jpg,application/pdf,.pdf");
  });
});
