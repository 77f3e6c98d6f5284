// Locale resolution and the built-in strings. The `locale` option (or, when unset, the
// browser's language) picks a translated table: a regional variant when the region or
// script calls for one (es-419, fr-CA, pt-PT, zh-TW, zh-HK), else the language's table;
// a language without one falls back to English, as in the official element. English
// ships in the main bundle; every other table is a lazy chunk, and a regional variant's
// chunk holds only the strings that differ from its base table.
import { en, type StringKey, type Strings } from "./en";

export type { StringKey, Strings };

type Values = Record<string, string | number>;

const TABLES: Record<string, () => Promise<{ default: Strings }>> = {
  am: () => import("./am"),
  ar: () => import("./ar"),
  bg: () => import("./bg"),
  bn: () => import("./bn"),
  bs: () => import("./bs"),
  ca: () => import("./ca"),
  cs: () => import("./cs"),
  da: () => import("./da"),
  de: () => import("./de"),
  el: () => import("./el"),
  es: () => import("./es"),
  et: () => import("./et"),
  fa: () => import("./fa"),
  fi: () => import("./fi"),
  fr: () => import("./fr"),
  gu: () => import("./gu"),
  he: () => import("./he"),
  hi: () => import("./hi"),
  hr: () => import("./hr"),
  hu: () => import("./hu"),
  hy: () => import("./hy"),
  id: () => import("./id"),
  is: () => import("./is"),
  it: () => import("./it"),
  ja: () => import("./ja"),
  ka: () => import("./ka"),
  kk: () => import("./kk"),
  kn: () => import("./kn"),
  ko: () => import("./ko"),
  lt: () => import("./lt"),
  lv: () => import("./lv"),
  mk: () => import("./mk"),
  ml: () => import("./ml"),
  mn: () => import("./mn"),
  mr: () => import("./mr"),
  ms: () => import("./ms"),
  my: () => import("./my"),
  nb: () => import("./nb"),
  nl: () => import("./nl"),
  pa: () => import("./pa"),
  pl: () => import("./pl"),
  "pt-BR": () => import("./pt-BR"),
  ro: () => import("./ro"),
  ru: () => import("./ru"),
  sk: () => import("./sk"),
  sl: () => import("./sl"),
  so: () => import("./so"),
  sq: () => import("./sq"),
  sr: () => import("./sr"),
  sv: () => import("./sv"),
  sw: () => import("./sw"),
  ta: () => import("./ta"),
  te: () => import("./te"),
  th: () => import("./th"),
  tl: () => import("./tl"),
  tr: () => import("./tr"),
  uk: () => import("./uk"),
  ur: () => import("./ur"),
  vi: () => import("./vi"),
  "zh-CN": () => import("./zh-CN"),
  "zh-TW": () => import("./zh-TW"),
};

/** Regional variants: the table they start from and the strings they change. */
const VARIANTS: Record<string, readonly [base: string, load: () => Promise<{ default: Partial<Strings> }>]> = {
  "es-419": ["es", () => import("./es-419")],
  "fr-CA": ["fr", () => import("./fr-CA")],
  "pt-PT": ["pt-BR", () => import("./pt-PT")],
  "zh-HK": ["zh-TW", () => import("./zh-HK")],
};

/** Every table but English: what `resolveLocale` can pick and `loadStrings` can load. */
export const TRANSLATED: readonly string[] = [...Object.keys(TABLES), ...Object.keys(VARIANTS)].sort();

/** Regions whose Spanish is Latin American (es-419 also serves the US). */
const LATIN_AMERICA = new Set("419 AR BO BZ CL CO CR CU DO EC GT HN MX NI PA PE PR PY SV US UY VE".split(" "));
/** Codes whose speakers read a table of another code (Intl canonicalizes `tl` to `fil`). */
const SAME_AS: Record<string, string> = { fil: "tl", no: "nb" };
const RTL_SCRIPTS = new Set(["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"]);

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

/** The table for a canonical tag: its region and script decide between variants. */
function tableFor(tag: string): string {
  const { language, script, region = "" } = new Intl.Locale(tag).maximize();
  const lang = SAME_AS[language] ?? language;
  switch (lang) {
    case "zh":
      return script !== "Hant" ? "zh-CN" : region === "HK" || region === "MO" ? "zh-HK" : "zh-TW";
    case "pt":
      return region === "BR" ? "pt-BR" : "pt-PT";
    case "es":
      return LATIN_AMERICA.has(region) ? "es-419" : "es";
    case "fr":
      return region === "CA" ? "fr-CA" : "fr";
  }
  return Object.hasOwn(TABLES, lang) ? lang : "en";
}

export function resolveLocale(requested: string | undefined, browser = globalThis.navigator?.language): Locale {
  const tag = canonical(requested || browser || "en");
  const table = tableFor(tag);
  const script = new Intl.Locale(table).maximize().script ?? "";
  return { tag, table, dir: RTL_SCRIPTS.has(script) ? "rtl" : "ltr" };
}

const loaded: Record<string, Strings> = { en };
/** The language of each loaded table, for its plural rules and numbers. */
const languages = new WeakMap<Strings, string>([[en, "en"]]);

/** The table's strings if loaded (English until then). */
export function stringsFor(table: string): Strings {
  return loaded[table] ?? en;
}

export async function loadStrings(table: string): Promise<Strings> {
  if (Object.hasOwn(loaded, table)) return loaded[table]!;
  let strings: Strings;
  if (Object.hasOwn(VARIANTS, table)) {
    const [base, load] = VARIANTS[table]!;
    const [from, changes] = await Promise.all([loadStrings(base), load()]);
    strings = { ...from, ...changes.default };
  } else if (Object.hasOwn(TABLES, table)) {
    strings = (await TABLES[table]!()).default;
  } else {
    return en;
  }
  languages.set(strings, table);
  loaded[table] = strings;
  return strings;
}

const PLURAL = /\{(\w+), plural,((?:\s*\w+ \{[^{}]*\})+)\s*\}/g;
const FORM = /(\w+) \{([^{}]*)\}/g;

/** The plural messages in a template: the number's name and the text of each category. */
export function pluralsIn(template: string): { name: string; forms: Record<string, string> }[] {
  return [...template.matchAll(PLURAL)].map(([, name, forms]) => ({
    name: name!,
    forms: Object.fromEntries([...forms!.matchAll(FORM)].map(([, category, text]) => [category!, text!])),
  }));
}

/** Fills a template in a language: `{name}` placeholders, plural forms, numbers. */
export function fill(template: string, values: Values, language: string): string {
  const show = (v: string | number): string => (typeof v === "number" ? new Intl.NumberFormat(language).format(v) : v);
  return template
    .replace(PLURAL, (m, name: string) => {
      const n = values[name];
      if (typeof n !== "number") return m;
      const { forms } = pluralsIn(m)[0]!;
      return (forms[new Intl.PluralRules(language).select(n)] ?? forms.other ?? "").replace(/#/g, show(n));
    })
    .replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? show(values[k]!) : m));
}

/** A table's string `key`, filled in the table's language. */
export function format(strings: Strings, key: StringKey, values: Values = {}): string {
  return fill(strings[key], values, languages.get(strings) ?? "en");
}
