// Widget prop values -> CSS: spacing units, colour tokens, radii, borders, sizes.
import type { CSSProperties } from "preact";

export type Css = CSSProperties;

/**
 * A CSS value from server JSON: nothing that ends the declaration, and nothing that
 * fetches (url(), image-set()...), so widgets cannot load resources around the thread's
 * image policy. Gradients and colour functions pass.
 */
export function cssValue(v: string): string | undefined {
  if (/url\s*\(|image(-set)?\s*\(|element\s*\(|expression|@import|\\/i.test(v)) return undefined;
  return v.replace(/[;{}<>]/g, "");
}
export type Scheme = "light" | "dark";

/** One spacing unit is 4px at the default 16px base size. */
export const space = (v: unknown): string | undefined =>
  typeof v === "number" ? `calc(${v} * 0.25rem)` : typeof v === "string" ? cssValue(v) : undefined;

const TEXT_TOKENS: Record<string, string> = {
  prose: "var(--ck-text)",
  primary: "var(--ck-text)",
  emphasis: "var(--ck-text)",
  secondary: "var(--ck-text-2)",
  tertiary: "var(--ck-text-3)",
  success: "var(--ck-success)",
  warning: "var(--ck-warning)",
  danger: "var(--ck-danger)",
  info: "var(--ck-info)",
  discovery: "var(--ck-discovery)",
  caution: "var(--ck-warning)",
};
const SURFACE_TOKENS: Record<string, string> = {
  surface: "var(--ck-bg)",
  "surface-secondary": "var(--ck-surface)",
  "surface-tertiary": "var(--ck-surface-2)",
  "surface-elevated": "var(--ck-bg)",
  "surface-elevated-secondary": "var(--ck-surface)",
};
const BORDER_TOKENS: Record<string, string> = {
  default: "var(--ck-border)",
  subtle: "var(--ck-border)",
  strong: "var(--ck-border-strong)",
};
const HUES: Record<string, number> = {
  red: 0,
  orange: 25,
  amber: 40,
  yellow: 50,
  lime: 85,
  green: 140,
  emerald: 155,
  teal: 175,
  cyan: 190,
  sky: 200,
  blue: 217,
  indigo: 235,
  violet: 260,
  purple: 270,
  fuchsia: 295,
  pink: 330,
  rose: 350,
};

/** `blue-600` style primitives: hue by name, lightness by step. */
function primitive(token: string): string | undefined {
  const m = /^([a-z]+)-(\d{2,3})$/.exec(token);
  if (!m) return undefined;
  const step = Number(m[2]);
  const l = Math.max(8, Math.min(97, 100 - step / 10));
  if (m[1] === "gray" || m[1] === "slate" || m[1] === "zinc" || m[1] === "neutral") return `hsl(220 8% ${l}%)`;
  const hue = HUES[m[1]!];
  return hue === undefined ? undefined : `hsl(${hue} 75% ${l}%)`;
}

const alpha = (token: string): string | undefined => {
  const m = /^alpha-(\d{1,3})$/.exec(token);
  return m ? `color-mix(in srgb, var(--ck-text) ${Math.min(100, Number(m[1]))}%, transparent)` : undefined;
};

/** A colour prop: a token, a ThemeColor {light, dark}, or a CSS colour string. */
export function color(v: unknown, scheme: Scheme, kind: "text" | "surface" | "border" = "text"): string | undefined {
  if (v && typeof v === "object") {
    const pick = (v as Record<string, unknown>)[scheme];
    return typeof pick === "string" ? color(pick, scheme, kind) : undefined;
  }
  if (typeof v !== "string" || !v) return undefined;
  const table = kind === "text" ? TEXT_TOKENS : kind === "surface" ? SURFACE_TOKENS : BORDER_TOKENS;
  return table[v] ?? TEXT_TOKENS[v] ?? primitive(v) ?? alpha(v) ?? cssValue(v);
}

const RADII: Record<string, string> = {
  none: "0",
  "2xs": "2px",
  xs: "4px",
  sm: "6px",
  md: "8px",
  lg: "12px",
  xl: "16px",
  "2xl": "20px",
  "3xl": "24px",
  "4xl": "32px",
  full: "9999px",
  "100%": "100%",
};
export const radius = (v: unknown): string | undefined => (typeof v === "string" ? RADII[v] : undefined);

export const size = (v: unknown): string | undefined =>
  typeof v === "number" ? `${v}px` : typeof v === "string" ? cssValue(v) : undefined;

function borderValue(v: unknown, scheme: Scheme): string | undefined {
  if (typeof v === "number") return `${v}px solid var(--ck-border)`;
  if (v && typeof v === "object" && "size" in v) {
    const b = v as { size?: unknown; color?: unknown; style?: unknown };
    const style = typeof b.style === "string" && /^[a-z]+$/.test(b.style) ? b.style : "solid";
    return `${Number(b.size) || 1}px ${style} ${color(b.color, scheme, "border") ?? "var(--ck-border)"}`;
  }
  return undefined;
}

export function border(v: unknown, scheme: Scheme): Css {
  const whole = borderValue(v, scheme);
  if (whole) return { border: whole };
  if (!v || typeof v !== "object") return {};
  const b = v as Record<string, unknown>;
  const css: Record<string, string> = {};
  const set = (side: string, val: unknown): void => {
    const s = borderValue(val, scheme);
    if (s) css[`border${side}`] = s;
  };
  set("Left", b.x ?? b.left);
  set("Right", b.x ?? b.right);
  set("Top", b.y ?? b.top);
  set("Bottom", b.y ?? b.bottom);
  return css as Css;
}

/** padding / margin: a number of units, a CSS string, or a Spacing object. */
export function spacing(v: unknown, prop: "padding" | "margin"): Css {
  const whole = space(v);
  if (whole) return { [prop]: whole } as Css;
  if (!v || typeof v !== "object") return {};
  const s = v as Record<string, unknown>;
  const css: Record<string, string | undefined> = {
    [`${prop}Top`]: space(s.top ?? s.y),
    [`${prop}Bottom`]: space(s.bottom ?? s.y),
    [`${prop}Left`]: space(s.left ?? s.x),
    [`${prop}Right`]: space(s.right ?? s.x),
  };
  return Object.fromEntries(Object.entries(css).filter(([, x]) => x !== undefined)) as Css;
}

const ALIGN: Record<string, string> = { start: "flex-start", end: "flex-end", center: "center", baseline: "baseline", stretch: "stretch" };
const JUSTIFY: Record<string, string> = { ...ALIGN, between: "space-between", around: "space-around", evenly: "space-evenly" };

/** Box-like layout props shared by Box, Row, Col, Form, Card bodies, ListViewItem. */
export function boxStyle(p: Record<string, unknown>, scheme: Scheme): Css {
  return {
    alignItems: typeof p.align === "string" ? ALIGN[p.align] : undefined,
    justifyContent: typeof p.justify === "string" ? JUSTIFY[p.justify] : undefined,
    flexWrap: typeof p.wrap === "string" ? (p.wrap as Css["flexWrap"]) : undefined,
    flex: typeof p.flex === "number" || typeof p.flex === "string" ? String(p.flex) : undefined,
    gap: space(p.gap),
    background: color(p.background, scheme, "surface"),
    borderRadius: radius(p.radius),
    ...spacing(p.padding, "padding"),
    ...spacing(p.margin, "margin"),
    ...border(p.border, scheme),
    ...blockStyle(p),
  };
}

export function blockStyle(p: Record<string, unknown>): Css {
  return {
    height: size(p.height ?? p.size),
    width: size(p.width ?? p.size),
    minHeight: size(p.minHeight ?? p.minSize),
    minWidth: size(p.minWidth ?? p.minSize),
    maxHeight: size(p.maxHeight ?? p.maxSize),
    maxWidth: size(p.maxWidth ?? p.maxSize),
    aspectRatio: typeof p.aspectRatio === "number" || typeof p.aspectRatio === "string" ? String(p.aspectRatio) : undefined,
  };
}
