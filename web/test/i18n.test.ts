import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { en } from "../src/i18n/en";
import { fill, format, loadStrings, pluralsIn, resolveLocale, type StringKey, type Strings, stringsFor, TRANSLATED } from "../src/i18n/index";

/** A string union of @openai/chatkit's types, read from the published .d.ts. */
function officialUnion(name: string): string[] {
  const types = readFileSync(fileURLToPath(new globalThis.URL("../node_modules/@openai/chatkit/types/index.d.ts", import.meta.url)), "utf8");
  const body = types.slice(types.indexOf(`export type ${name} =`)).split(";")[0]!;
  return [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

const KEYS = Object.keys(en) as StringKey[];
const placeholders = (template: string): string[] => {
  const plural = pluralsIn(template).map((p) => `${p.name}#`);
  const plain = [...template.replace(/\{\w+, plural,(?:\s*\w+ \{[^{}]*\})+\s*\}/g, "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return [...plural, ...plain].sort();
};
const categories = (table: string): string[] => new Intl.PluralRules(table).resolvedOptions().pluralCategories.slice().sort();
const files = Object.keys(import.meta.glob("../src/i18n/*.ts")).map((f) => f.slice("../src/i18n/".length, -3));

describe("the locale tables", () => {
  it("cover every locale of the official element, plus Hebrew and Persian", () => {
    const official = officialUnion("TranslatedLocale");
    expect(official).toHaveLength(63);
    expect(TRANSLATED.length).toBeGreaterThanOrEqual(63);
    for (const tag of official) expect(resolveLocale(tag).table, tag).not.toBe("en");
    expect(new Set(official.map((tag) => resolveLocale(tag).table)).size).toBe(63);
    for (const tag of officialUnion("SupportedLocale").filter((t) => t !== "en")) expect(TRANSLATED, tag).toContain(resolveLocale(tag).table);
    expect(TRANSLATED).toEqual(expect.arrayContaining(["he", "fa"]));
    expect(files.filter((f) => f !== "en" && f !== "index").sort()).toEqual([...TRANSLATED]);
  });

  it.each(TRANSLATED)("%s: every key, translated, with English's placeholders", async (table) => {
    const strings = await loadStrings(table);
    expect(Object.keys(strings).sort()).toEqual([...KEYS].sort());
    const same = KEYS.filter((k) => strings[k] === en[k]);
    // A few words are the same in English (e.g. "Model" in Dutch); a table mostly so is a fallback.
    expect(same.length, `${table} keeps English for ${same.join(", ")}`).toBeLessThanOrEqual(3);
    for (const key of KEYS) {
      expect(strings[key].trim(), `${table}.${key}`).not.toBe("");
      const expected = placeholders(en[key]);
      const got = placeholders(strings[key]);
      // A language with a single plural category may write the number as a plain `{n}`.
      const plain = expected.map((p) => (p.endsWith("#") && categories(table).join() === "other" && !got.includes(p) ? p.slice(0, -1) : p)).sort();
      expect(got, `${table}.${key}`).toEqual(plain);
    }
  });

  it.each(TRANSLATED)("%s: plural messages have exactly the language's categories", async (table) => {
    const strings = await loadStrings(table);
    for (const key of KEYS) {
      for (const { forms } of pluralsIn(strings[key])) {
        expect(Object.keys(forms).sort(), `${table}.${key}`).toEqual(categories(table));
        expect(forms.other, `${table}.${key}`).toContain("#");
      }
    }
  });

  it("keeps regional variants to the strings that differ", async () => {
    const [es, latam, ptBR, ptPT, tw, hk] = await Promise.all(["es", "es-419", "pt-BR", "pt-PT", "zh-TW", "zh-HK"].map(loadStrings));
    expect(latam!.newChat).toBe(es!.newChat);
    expect(latam!.attach).not.toBe(es!.attach);
    expect(ptPT!.loading).not.toBe(ptBR!.loading);
    expect(hk!.newChat).toBe(tw!.newChat);
    expect(stringsFor("es-419")).toBe(latam);
  });
});

describe("locale resolution", () => {
  it.each([
    ["de", "de", "ltr"],
    ["de-AT", "de", "ltr"],
    ["fr-CA", "fr-CA", "ltr"],
    ["fr-BE", "fr", "ltr"],
    ["es", "es", "ltr"],
    ["es-MX", "es-419", "ltr"],
    ["es-US", "es-419", "ltr"],
    ["pt", "pt-BR", "ltr"],
    ["pt-PT", "pt-PT", "ltr"],
    ["pt-AO", "pt-PT", "ltr"],
    ["zh", "zh-CN", "ltr"],
    ["zh-SG", "zh-CN", "ltr"],
    ["zh-Hant", "zh-TW", "ltr"],
    ["zh-TW", "zh-TW", "ltr"],
    ["zh-HK", "zh-HK", "ltr"],
    ["zh-MO", "zh-HK", "ltr"],
    ["tl", "tl", "ltr"],
    ["fil-PH", "tl", "ltr"],
    ["no", "nb", "ltr"],
    ["sr-RS", "sr", "ltr"],
    ["ar", "ar", "rtl"],
    ["ar-EG", "ar", "rtl"],
    ["ur", "ur", "rtl"],
    ["he-IL", "he", "rtl"],
    ["iw", "he", "rtl"],
    ["fa-IR", "fa", "rtl"],
    ["en-GB", "en", "ltr"],
    ["pa", "pa", "ltr"],
  ])("%s -> %s (%s)", (tag, table, dir) => {
    expect(resolveLocale(tag)).toMatchObject({ table, dir });
  });

  it("falls back to English for an unknown language, and to the browser's when unset", () => {
    expect(resolveLocale("xx")).toEqual({ tag: "xx", table: "en", dir: "ltr" });
    expect(resolveLocale("yi")).toMatchObject({ table: "en", dir: "ltr" });
    expect(resolveLocale("not a locale!")).toEqual({ tag: "en", table: "en", dir: "ltr" });
    expect(resolveLocale(undefined, "ja")).toMatchObject({ tag: "ja", table: "ja" });
    expect(resolveLocale(undefined, "pt_BR")).toMatchObject({ tag: "pt-BR", table: "pt-BR" });
    expect(resolveLocale(undefined, undefined).table).toBe("en");
  });
});

describe("formatting", () => {
  it("picks the plural form of the table's language", async () => {
    expect(format(en, "tooManyFiles", { n: 1 })).toBe("You can attach up to 1 file.");
    expect(format(en, "tooManyFiles", { n: 1000 })).toBe("You can attach up to 1,000 files.");
    const ru = await loadStrings("ru");
    const ar = await loadStrings("ar");
    // The forms, with the number itself masked: one per plural category.
    const forms = (strings: Strings, key: StringKey, ns: number[]): Set<string> => new Set(ns.map((n) => format(strings, key, { n }).replace(/\d+/g, "#")));
    expect(forms(ru, "thoughtFor", [1, 3, 5, 21])).toEqual(forms(ru, "thoughtFor", [1, 3, 5]));
    expect(forms(ru, "thoughtFor", [1, 3, 5]).size).toBe(3);
    expect(forms(ar, "tooManyFiles", [0, 1, 2, 3, 11, 100]).size).toBe(6);
    expect(format(await loadStrings("ja"), "thoughtFor", { n: 3 })).toContain("3");
  });

  it("fills placeholders and leaves unknown ones", () => {
    expect(fill("{n} of {m}", { n: 1 }, "en")).toBe("1 of {m}");
    expect(fill("{name} x", { name: "{n}" }, "en")).toBe("{n} x");
    expect(fill("{n, plural, one {# a} other {# b}}", {}, "en")).toBe("{n, plural, one {# a} other {# b}}");
    expect(fill("{n, plural, one {# a} other {# b}}", { n: 2 }, "de-CH")).toBe("2 b");
  });
});
