// SVG path data for the chart's curve types (the d3 names ChatKit uses): straight and
// stepped lines, B-splines (clamped, open, closed), natural cubic splines, monotone
// cubics (no overshoot between data points) and bumps.

export type Point = readonly [number, number];

export const CURVES = [
  "basis",
  "basisClosed",
  "basisOpen",
  "bumpX",
  "bumpY",
  "bump",
  "linear",
  "linearClosed",
  "natural",
  "monotoneX",
  "monotoneY",
  "monotone",
  "step",
  "stepBefore",
  "stepAfter",
] as const; // prettier-ignore
export type Curve = (typeof CURVES)[number];

const f = (n: number): string => String(Math.round(n * 100) / 100);
const pt = (p: Point): string => `${f(p[0])},${f(p[1])}`;
const cubic = (c1: Point, c2: Point, to: Point): string => `C${pt(c1)} ${pt(c2)} ${pt(to)}`;
const mix = (a: Point, b: Point, c: Point, wa: number, wb: number, wc: number): Point => {
  const w = wa + wb + wc;
  return [(a[0] * wa + b[0] * wb + c[0] * wc) / w, (a[1] * wa + b[1] * wb + c[1] * wc) / w];
};

const linearPath = (ps: Point[]): string => `M${ps.map(pt).join("L")}`;

function stepPath(ps: Point[], t: number): string {
  let d = `M${pt(ps[0]!)}`;
  for (let i = 1; i < ps.length; i++) {
    const [x0, y0] = ps[i - 1]!;
    const [x1, y1] = ps[i]!;
    const x = x0 + (x1 - x0) * t;
    d += `L${pt([x, y0])}L${pt([x, y1])}L${pt([x1, y1])}`;
  }
  return d;
}

/** Uniform cubic B-spline segments over control points `cs`, as Béziers. */
function bspline(cs: Point[], closed: boolean): string {
  const n = cs.length;
  const at = (i: number): Point => cs[closed ? i % n : i]!;
  const segments = closed ? n : n - 3;
  let d = `M${pt(mix(at(0), at(1), at(2), 1, 4, 1))}`;
  for (let i = 0; i < segments; i++) {
    const [p1, p2, p3] = [at(i + 1), at(i + 2), at(i + 3)];
    d += cubic(mix(p1, p2, p2, 2, 1, 0), mix(p1, p2, p2, 1, 2, 0), mix(p1, p2, p3, 1, 4, 1));
  }
  return closed ? `${d}Z` : d;
}

/** Solves the tridiagonal system of a natural cubic spline for one coordinate. */
function naturalControls(k: number[]): [number[], number[]] {
  const n = k.length - 1; // segments
  const a = new Array<number>(n).fill(1);
  const b = new Array<number>(n).fill(4);
  const r = new Array<number>(n);
  a[0] = 0;
  b[0] = 2;
  r[0] = k[0]! + 2 * k[1]!;
  for (let i = 1; i < n - 1; i++) r[i] = 4 * k[i]! + 2 * k[i + 1]!;
  a[n - 1] = 2;
  b[n - 1] = 7;
  r[n - 1] = 8 * k[n - 1]! + k[n]!;
  for (let i = 1; i < n; i++) {
    const m = a[i]! / b[i - 1]!;
    b[i]! -= m;
    r[i]! -= m * r[i - 1]!;
  }
  const c1 = new Array<number>(n);
  c1[n - 1] = r[n - 1]! / b[n - 1]!;
  for (let i = n - 2; i >= 0; i--) c1[i] = (r[i]! - c1[i + 1]!) / b[i]!;
  const c2 = new Array<number>(n);
  for (let i = 0; i < n - 1; i++) c2[i] = 2 * k[i + 1]! - c1[i + 1]!;
  c2[n - 1] = (k[n]! + c1[n - 1]!) / 2;
  return [c1, c2];
}

function naturalPath(ps: Point[]): string {
  if (ps.length < 3) return linearPath(ps);
  const [x1, x2] = naturalControls(ps.map((p) => p[0]));
  const [y1, y2] = naturalControls(ps.map((p) => p[1]));
  let d = `M${pt(ps[0]!)}`;
  for (let i = 0; i < ps.length - 1; i++) d += cubic([x1[i]!, y1[i]!], [x2[i]!, y2[i]!], ps[i + 1]!);
  return d;
}

const sign = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

/**
 * Slopes of a monotone piecewise cubic through the points (Fritsch–Butland interior
 * slopes, shape-preserving three-point end slopes): the curve never overshoots a point.
 */
export function monotoneSlopes(ps: Point[]): number[] {
  const n = ps.length;
  const h = ps.slice(1).map((p, i) => p[0] - ps[i]![0]);
  const d = ps.slice(1).map((p, i) => (h[i] ? (p[1] - ps[i]![1]) / h[i]! : 0));
  const m = new Array<number>(n).fill(0);
  for (let i = 1; i < n - 1; i++) {
    const [h0, h1, d0, d1] = [h[i - 1]!, h[i]!, d[i - 1]!, d[i]!];
    if (d0 * d1 > 0) m[i] = (3 * (h0 + h1)) / ((2 * h1 + h0) / d0 + (h1 + 2 * h0) / d1);
  }
  const end = (h0: number, h1: number, d0: number, d1: number): number => {
    let s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1 || 1);
    if (sign(s) !== sign(d0)) s = 0;
    else if (sign(d0) !== sign(d1) && Math.abs(s) > Math.abs(3 * d0)) s = 3 * d0;
    return s;
  };
  if (n === 2) m[0] = m[1] = d[0]!;
  else if (n > 2) {
    m[0] = end(h[0]!, h[1]!, d[0]!, d[1]!);
    m[n - 1] = end(h[n - 2]!, h[n - 3]!, d[n - 2]!, d[n - 3]!);
  }
  return m;
}

function monotonePath(ps: Point[]): string {
  const m = monotoneSlopes(ps);
  let d = `M${pt(ps[0]!)}`;
  for (let i = 0; i < ps.length - 1; i++) {
    const [p0, p1] = [ps[i]!, ps[i + 1]!];
    const third = (p1[0] - p0[0]) / 3;
    d += cubic([p0[0] + third, p0[1] + m[i]! * third], [p1[0] - third, p1[1] - m[i + 1]! * third], p1);
  }
  return d;
}

const swap = (p: Point): Point => [p[1], p[0]];
/** Re-reads a path made on swapped coordinates (x,y pairs back to y,x). */
const unswap = (d: string): string => d.replace(/(-?[\d.]+),(-?[\d.]+)/g, "$2,$1");

function bumpPath(ps: Point[], vertical: boolean): string {
  let d = `M${pt(ps[0]!)}`;
  for (let i = 1; i < ps.length; i++) {
    const [[x0, y0], [x1, y1]] = [ps[i - 1]!, ps[i]!];
    d += vertical ? cubic([x0, (y0 + y1) / 2], [x1, (y0 + y1) / 2], [x1, y1]) : cubic([(x0 + x1) / 2, y0], [(x0 + x1) / 2, y1], [x1, y1]);
  }
  return d;
}

/** The path through `points` drawn with `curve` (linear when unknown). */
export function curvePath(points: Point[], curve: Curve | undefined): string {
  const ps = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (!ps.length) return "";
  if (ps.length === 1) return `M${pt(ps[0]!)}Z`;
  const first = ps[0]!;
  const last = ps[ps.length - 1]!;
  switch (curve) {
    case "linearClosed":
      return `${linearPath(ps)}Z`;
    case "step":
      return stepPath(ps, 0.5);
    case "stepBefore":
      return stepPath(ps, 0);
    case "stepAfter":
      return stepPath(ps, 1);
    case "basis":
      return bspline([first, first, ...ps, last, last], false);
    case "basisOpen":
      return ps.length < 4 ? curvePath(ps, "basis") : bspline(ps, false);
    case "basisClosed":
      return ps.length < 3 ? `${linearPath(ps)}Z` : bspline(ps, true);
    case "natural":
      return naturalPath(ps);
    case "monotone":
    case "monotoneX":
      return monotonePath(ps);
    case "monotoneY":
      return unswap(monotonePath(ps.map(swap)));
    case "bump":
    case "bumpX":
      return bumpPath(ps, false);
    case "bumpY":
      return bumpPath(ps, true);
    default:
      return linearPath(ps);
  }
}

/** An area between `top` and `base` (same x positions), both drawn with `curve`. */
export function areaPath(top: Point[], base: Point[], curve: Curve | undefined): string {
  // A closed curve cannot bound an area: use its open form.
  const open = curve === "linearClosed" ? "linear" : curve === "basisClosed" ? "basis" : curve;
  const upper = curvePath(top, open);
  const lower = curvePath([...base].reverse(), open);
  if (!upper || !lower) return "";
  return `${upper}L${lower.slice(1).replace(/Z$/, "")}Z`;
}
