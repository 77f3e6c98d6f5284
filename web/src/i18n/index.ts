// Locale resolution: the `locale` option (or the browser language) picks the built-in
// strings by language, falls back to English, and decides the writing direction.
import { en, type StringKey, type Strings } from "./en";
import { ar, de, es, fr, ja, zhCN } from "./locales";

export type { StringKey, Strings };

const TABLES: Record<string, Strings> = { en, de, fr, es, ja, ar, "zh-CN": zhCN };
const RTL = new Set(["ar", "he", "iw", "fa", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"]);
// Chinese scripts: only Simplified is translated; Traditional falls back to English.
const SIMPLIFIED = new Set(["zh", "zh-cn", "zh-sg", "zh-hans", "zh-hans-cn", "zh-my"]);

export type Locale = {
  /** The BCP 47 tag sent as Accept-Language. */
  tag: string;
  /** The string table actually used ("en" when the language is not translated). */
  table: string;
  dir: "ltr" | "rtl";
  strings: Strings;
};

function canonical(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag.replace(/_/g, "-"))[0] ?? "en";
  } catch {
    return "en";
  }
}

export function resolveLocale(requested: string | undefined, browser = globalThis.navigator?.language): Locale {
  const tag = canonical(requested || browser || "en");
  const lower = tag.toLowerCase();
  const lang = lower.split("-")[0]!;
  let table = "en";
  if (lang === "zh") table = SIMPLIFIED.has(lower) ? "zh-CN" : "en";
  else if (TABLES[lang]) table = lang;
  return { tag, table, dir: RTL.has(lang) ? "rtl" : "ltr", strings: TABLES[table]! };
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
