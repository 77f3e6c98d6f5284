// Where everything goes: categories along x (bands when there are bars, evenly spaced
// points otherwise), a nice y scale including zero, stacked and grouped bars, and the
// lines and areas as paths. Pure: the view only draws what this returns.
import { areaPath, curvePath, type Point } from "./curves";
import { linear, niceTicks } from "./scale";
import { type ChartSpec, numberAt } from "./spec";

export type Bar = { series: number; row: number; x: number; y: number; width: number; height: number };
export type Category = { center: number; start: number; end: number };
export type Geometry = {
  plot: { left: number; top: number; right: number; bottom: number };
  ticks: { value: number; y: number }[];
  categories: Category[];
  bars: Bar[];
  /** One entry per line or area series: the stroke, and the fill for areas. */
  paths: { series: number; stroke: string; fill?: string; points: Point[] }[];
};

const TICK_CHAR = 7; // approximate width of a digit at the axis font size
export const X_AXIS_HEIGHT = 22;

/** Value ranges per row after stacking: [low, high] of every bar/area segment. */
function stackSegments(spec: ChartSpec): Map<number, [number, number][]> {
  const segments = new Map<number, [number, number][]>();
  const bases = new Map<string, { pos: number[]; neg: number[] }>();
  spec.series.forEach((s, si) => {
    if (s.type === "line") return;
    const key = `${s.type}:${s.stack ?? `#${si}`}`;
    const base = bases.get(key) ?? { pos: spec.rows.map(() => 0), neg: spec.rows.map(() => 0) };
    bases.set(key, base);
    segments.set(
      si,
      spec.rows.map((row, r) => {
        const v = numberAt(row, s.dataKey) ?? 0;
        const side = v >= 0 ? base.pos : base.neg;
        const from = side[r]!;
        side[r] = from + v;
        return [from, from + v];
      }),
    );
  });
  return segments;
}

export function layoutChart(spec: ChartSpec, width: number, height: number, format: (v: number) => string): Geometry {
  const segments = stackSegments(spec);
  let lo = 0;
  let hi = 0;
  for (const segs of segments.values()) for (const [a, b] of segs) [lo, hi] = [Math.min(lo, a, b), Math.max(hi, a, b)];
  spec.series.forEach((s) => {
    if (s.type !== "line") return;
    for (const row of spec.rows) {
      const v = numberAt(row, s.dataKey);
      if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
  });
  const ticks = niceTicks(lo, hi, Math.max(2, Math.round(height / 50)));
  const labelWidth = spec.showYAxis ? Math.max(...ticks.values.map((v) => format(v).length)) * TICK_CHAR + 8 : 0;
  const plot = { left: labelWidth + 1, top: 6, right: width - 1, bottom: height - (spec.showXAxis ? X_AXIS_HEIGHT : 1) };
  const y = linear(ticks.min, ticks.max, plot.bottom, plot.top);
  const n = spec.rows.length;
  const barSeries = spec.series.map((s, i) => [s, i] as const).filter(([s]) => s.type === "bar");
  const span = Math.max(0, plot.right - plot.left);
  const band = n ? span / n : span;
  const categories: Category[] = spec.rows.map((_, r) => {
    // Without bars, points span the whole width (first and last at the edges).
    const center = barSeries.length || n === 1 ? plot.left + band * (r + 0.5) : plot.left + (span * r) / (n - 1);
    return { center, start: plot.left + band * r, end: plot.left + band * (r + 1) };
  });

  // Bars: one slot per stack (or unstacked bar series) side by side within a category.
  const slots = [...new Set(barSeries.map(([s, i]) => s.stack ?? `#${i}`))];
  const categoryGap = Math.min(band * 0.9, spec.barCategoryGap ?? band * 0.1);
  const inner = band - categoryGap;
  const barWidth = slots.length ? Math.max(1, (inner - spec.barGap * (slots.length - 1)) / slots.length) : 0;
  const groupWidth = barWidth * slots.length + spec.barGap * (slots.length - 1);
  const bars: Bar[] = [];
  for (const [s, si] of barSeries) {
    const slot = slots.indexOf(s.stack ?? `#${si}`);
    segments.get(si)!.forEach(([a, b], r) => {
      if (a === b) return;
      const x = categories[r]!.center - groupWidth / 2 + slot * (barWidth + spec.barGap);
      const [top, bottom] = [y(Math.max(a, b)), y(Math.min(a, b))];
      bars.push({ series: si, row: r, x, y: top, width: barWidth, height: Math.max(1, bottom - top) });
    });
  }

  const paths: Geometry["paths"] = [];
  spec.series.forEach((s, si) => {
    if (s.type === "line") {
      // Missing values break the line into runs.
      const runs: Point[][] = [[]];
      spec.rows.forEach((row, r) => {
        const v = numberAt(row, s.dataKey);
        if (v === null) runs.push([]);
        else runs[runs.length - 1]!.push([categories[r]!.center, y(v)]);
      });
      const points = runs.flat();
      paths.push({ series: si, stroke: runs.map((run) => curvePath(run, s.curve)).join(""), points });
    } else if (s.type === "area") {
      const segs = segments.get(si)!;
      const top: Point[] = segs.map(([, b], r) => [categories[r]!.center, y(b)]);
      const base: Point[] = segs.map(([a], r) => [categories[r]!.center, y(a)]);
      paths.push({ series: si, stroke: curvePath(top, s.curve), fill: areaPath(top, base, s.curve), points: top });
    }
  });
  return { plot, ticks: ticks.values.map((value) => ({ value, y: y(value) })), categories, bars, paths };
}
