// Locale resolution: the `locale` option (or the browser language) picks the built-in
// strings by language, falls back to English, and decides the writing direction.
// English ships in the main bundle; each other table is a small chunk loaded on demand.
import { en, type StringKey, type Strings } from "./en";

export type { StringKey, Strings };

const LOADERS: Record<string, () => Promise<{ default: Strings }>> = {
  de: () => import("./de"),
  fr: () => import("./fr"),
  es: () => import("./es"),
  ja: () => import("./ja"),
  ar: () => import("./ar"),
  "zh-CN": () => import("./zh-CN"),
};
const RTL = new Set(["ar", "he", "iw", "fa", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"]);
// Chinese scripts: only Simplified is translated; Traditional falls back to English.
const SIMPLIFIED = new Set(["zh", "zh-cn", "zh-sg", "zh-hans", "zh-hans-cn", "zh-my"]);

export type Locale = {
  /** The BCP 47 tag sent as Accept-Language. */
  tag: string;
  /** The string table that applies ("en" when the language is not translated). */
  table: string;
  dir: "ltr" | "rtl";
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
  else if (LOADERS[lang]) table = lang;
  return { tag, table, dir: RTL.has(lang) ? "rtl" : "ltr" };
}

const loaded: Record<string, Strings> = { en };

/** The table's strings if loaded (English until then). */
export function stringsFor(table: string): Strings {
  return loaded[table] ?? en;
}

export async function loadStrings(table: string): Promise<Strings> {
  const loader = LOADERS[table];
  if (loaded[table] || !loader) return stringsFor(table);
  const strings = (await loader()).default;
  loaded[table] = strings;
  return strings;
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
