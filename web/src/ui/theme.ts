// Theme options -> CSS custom properties on the shadow host. Greys are generated in HSL
// from the grayscale hue/tint/shade; the accent's level sets how much of it tints
// interactive surfaces. @font-face rules must live in the document (shadow roots ignore
// them), so fontSources are installed there once per family/src.
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

export function themeVariables(theme: ThemeOption): Record<string, string> {
  const dark = theme.colorScheme === "dark";
  const color = theme.color ?? {};
  const hue = clamp(num(color.grayscale?.hue, 220), 0, 360);
  const tint = clamp(num(color.grayscale?.tint, 0), 0, 9);
  const shade = clamp(num(color.grayscale?.shade, 0), -4, 4);
  const sat = tint * 2.2;
  // Lightness ramp from the background (0) to the strongest text (1); shade darkens or
  // lightens the surfaces.
  const gray = (t: number): string => {
    const from = dark ? 12 + shade * 1.5 : 100 + Math.min(0, shade) * 1.5;
    const to = dark ? 96 : 9;
    return `hsl(${hue} ${sat}% ${(from + (to - from) * t).toFixed(1)}%)`;
  };
  const accent = color.accent?.primary ? cssValue(color.accent.primary) : dark ? "#f4f4f5" : "#18181b";
  const level = clamp(num(color.accent?.level, 1), 0, 3);
  const radius = RADII[theme.radius ?? "pill"] ?? RADII.pill;
  const density = DENSITY[theme.density ?? "normal"] ?? 1;
  const typo = theme.typography ?? {};
  const base = BASE_SIZES.includes(num(typo.baseSize, 16)) ? num(typo.baseSize, 16) : 16;
  const vars: Record<string, string> = {
    "--ck-bg": color.surface?.background ? cssValue(color.surface.background) : gray(0),
    "--ck-surface": color.surface?.foreground ? cssValue(color.surface.foreground) : gray(dark ? 0.08 : 0.045),
    "--ck-surface-2": gray(dark ? 0.14 : 0.09),
    "--ck-surface-3": gray(dark ? 0.22 : 0.15),
    "--ck-border": gray(dark ? 0.2 : 0.13),
    "--ck-border-strong": gray(dark ? 0.32 : 0.25),
    "--ck-text": gray(1),
    "--ck-text-2": gray(dark ? 0.72 : 0.66),
    "--ck-text-3": gray(dark ? 0.52 : 0.48),
    "--ck-accent": accent,
    "--ck-accent-fg": contrastOn(accent),
    "--ck-accent-soft": `color-mix(in srgb, ${accent} ${6 + level * 6}%, transparent)`,
    "--ck-accent-text": level >= 2 ? accent : gray(1),
    "--ck-focus": `color-mix(in srgb, ${accent} 55%, ${dark ? "#fff" : "#4c8dff"})`,
    "--ck-r-sm": radius[0],
    "--ck-r-md": radius[1],
    "--ck-r-lg": radius[2],
    "--ck-r-control": radius[3],
    "--ck-space": String(density),
    "--ck-font-size": `${base}px`,
    "--ck-font": typo.fontFamily ? cssValue(typo.fontFamily) : 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
    "--ck-font-mono": typo.fontFamilyMono ? cssValue(typo.fontFamilyMono) : 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
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

/** Accent text colour: dark text on light accents, light text on dark ones (hex accents). */
export function contrastOn(color: string): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return "#fff";
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join("") : m[1]!;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6 ? "#111" : "#fff";
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
