// Theme options -> CSS custom properties on the shadow host, with the meanings of the
// official ThemeOption type:
// - color.grayscale {hue, tint, shade}: the greys (surfaces, borders, text) in HSL; tint
//   is how much of the hue they take, shade moves the surfaces darker (<0) or lighter (>0).
// - color.surface {background, foreground}: the surface colour and the text/icon colour
//   on it. Given either, every grey in between (raised fills, borders, secondary text) is
//   a mix of the foreground into the background, so the palette follows them.
// - color.accent {primary, level}: the accent, and how strongly (0-3) it tints selections
//   and tags; from level 2 accented text takes it too.
// @font-face rules must live in the document (shadow roots ignore them), so fontSources
// are installed there once per family/src.
import type { FontObject, ThemeOption } from "../options";

const RADII = {
  pill: ["6px", "12px", "20px", "999px"],
  round: ["6px", "10px", "16px", "14px"],
  soft: ["4px", "8px", "10px", "8px"],
  sharp: ["0", "0", "0", "0"],
} as const;
const DENSITY = { compact: 0.75, normal: 1, spacious: 1.25 } as const;
const BASE_SIZES = [14, 15, 16, 17, 18];

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
/** A CSS value from the page: strip characters that could end the declaration or rule. */
const cssValue = (v: string): string => v.replace(/[;{}<>\\]/g, "");
const given = (v: unknown): string | null => (typeof v === "string" && v.trim() ? cssValue(v) : null);

/** Where each grey sits between the background (0) and the strongest text (1). */
const TONES = {
  light: { surface: 0.045, surface2: 0.09, surface3: 0.15, border: 0.13, borderStrong: 0.25, text2: 0.66, text3: 0.48 },
  dark: { surface: 0.08, surface2: 0.14, surface3: 0.22, border: 0.2, borderStrong: 0.32, text2: 0.72, text3: 0.52 },
} as const;

export function themeVariables(theme: ThemeOption): Record<string, string> {
  const dark = theme.colorScheme === "dark";
  const color = theme.color ?? {};
  const hue = clamp(num(color.grayscale?.hue, 220), 0, 360);
  const tint = clamp(num(color.grayscale?.tint, 0), 0, 9);
  const shade = clamp(num(color.grayscale?.shade, 0), -4, 4);
  const sat = tint * 2.2;
  // The grayscale ramp in HSL lightness; shade shifts the surface end (white cannot get
  // lighter, so a light theme only darkens).
  const gray = (t: number): string => {
    const from = dark ? 12 + shade * 1.5 : 100 + Math.min(0, shade) * 1.5;
    const to = dark ? 96 : 9;
    return `hsl(${hue} ${sat}% ${(from + (to - from) * t).toFixed(1)}%)`;
  };
  const background = given(color.surface?.background);
  const foreground = given(color.surface?.foreground);
  const tone =
    background || foreground
      ? (t: number): string => `color-mix(in srgb, ${foreground ?? gray(1)} ${(t * 100).toFixed(1)}%, ${background ?? gray(0)})`
      : gray;
  const tones = dark ? TONES.dark : TONES.light;
  const accent = given(color.accent?.primary) ?? (dark ? "#f4f4f5" : "#18181b");
  const level = clamp(num(color.accent?.level, 1), 0, 3);
  const text = foreground ?? gray(1);
  const radius = RADII[theme.radius ?? "pill"] ?? RADII.pill;
  const density = DENSITY[theme.density ?? "normal"] ?? 1;
  const typo = theme.typography ?? {};
  const base = BASE_SIZES.includes(num(typo.baseSize, 16)) ? num(typo.baseSize, 16) : 16;
  const vars: Record<string, string> = {
    "--ck-bg": background ?? gray(0),
    "--ck-surface": tone(tones.surface),
    "--ck-surface-2": tone(tones.surface2),
    "--ck-surface-3": tone(tones.surface3),
    "--ck-border": tone(tones.border),
    "--ck-border-strong": tone(tones.borderStrong),
    "--ck-text": text,
    "--ck-text-2": tone(tones.text2),
    "--ck-text-3": tone(tones.text3),
    "--ck-accent": accent,
    "--ck-accent-fg": contrastOn(accent),
    "--ck-accent-soft": `color-mix(in srgb, ${accent} ${6 + level * 6}%, transparent)`,
    "--ck-accent-text": level >= 2 ? accent : text,
    "--ck-focus": `color-mix(in srgb, ${accent} 55%, ${dark ? "#fff" : "#4c8dff"})`,
    "--ck-r-sm": radius[0],
    "--ck-r-md": radius[1],
    "--ck-r-lg": radius[2],
    "--ck-r-control": radius[3],
    "--ck-space": String(density),
    "--ck-font-size": `${base}px`,
    "--ck-font": typo.fontFamily
      ? cssValue(typo.fontFamily)
      : 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
    "--ck-font-mono": typo.fontFamilyMono
      ? cssValue(typo.fontFamilyMono)
      : 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    "--ck-hl-keyword": dark ? "#c792ea" : "#8839ef",
    "--ck-hl-string": dark ? "#a5d6a7" : "#2a7e3b",
    "--ck-hl-number": dark ? "#f7a56b" : "#b35900",
    "--ck-hl-call": dark ? "#82aaff" : "#1e66f5",
    "color-scheme": dark ? "dark" : "light",
  };
  return vars;
}

export function themeStyle(theme: ThemeOption): string {
  const body = Object.entries(themeVariables(theme))
    .map(([k, v]) => `${k}:${v};`)
    .join("");
  return `:host{${body}}`;
}

/**
 * Text colour on the accent: dark on light accents, light on dark ones. Reads hex, rgb()
 * and hsl() accents (any CSS colour is allowed); others get white.
 */
export function contrastOn(color: string): string {
  const luminance = relativeLuminance(color.trim().toLowerCase());
  return luminance !== null && luminance > 0.6 ? "#111" : "#fff";
}

function relativeLuminance(c: string): number | null {
  let rgb: number[] | null = null;
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(c)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((d) => d + d).join("") : hex;
    rgb = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
  }
  const fn = /^(rgba?|hsla?)\(([^)]*)\)$/.exec(c);
  if (fn) {
    const parts = fn[2]!.split(/[\s,/]+/).filter(Boolean);
    const n = parts.slice(0, 3).map((p) => parseFloat(p) / (p.endsWith("%") ? 100 : 1));
    if (n.length === 3 && n.every(Number.isFinite)) {
      if (fn[1]!.startsWith("rgb")) rgb = parts.slice(0, 3).map((p, i) => (p.endsWith("%") ? n[i]! : n[i]! / 255));
      else {
        const [h, sat, l] = [n[0]!, parts[1]!.endsWith("%") ? n[1]! : n[1]! / 100, parts[2]!.endsWith("%") ? n[2]! : n[2]! / 100];
        const k = (m: number): number => (m + h / 30) % 12;
        const a = sat * Math.min(l, 1 - l);
        rgb = [0, 8, 4].map((m) => l - a * Math.max(-1, Math.min(k(m) - 3, 9 - k(m), 1)));
      }
    }
  }
  if (!rgb) return null;
  const [r, g, b] = rgb.map((v) => clamp(v, 0, 1)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const installedFonts = new Set<string>();

export function installFonts(sources: FontObject[] | undefined, doc: Document = document): void {
  for (const f of sources ?? []) {
    if (!f || typeof f.family !== "string" || typeof f.src !== "string") continue;
    const key = `${f.family}|${f.src}|${f.weight ?? ""}|${f.style ?? ""}`;
    if (installedFonts.has(key)) continue;
    installedFonts.add(key);
    const parts = [
      `font-family:${JSON.stringify(cssValue(f.family))}`,
      `src:url(${JSON.stringify(cssValue(f.src))})`,
      f.weight !== undefined ? `font-weight:${cssValue(String(f.weight))}` : "",
      f.style ? `font-style:${cssValue(f.style)}` : "",
      `font-display:${cssValue(f.display ?? "swap")}`,
      f.unicodeRange ? `unicode-range:${cssValue(f.unicodeRange)}` : "",
    ].filter(Boolean);
    const style = doc.createElement("style");
    style.dataset.chatkitFont = f.family;
    style.textContent = `@font-face{${parts.join(";")}}`;
    doc.head.appendChild(style);
  }
}
