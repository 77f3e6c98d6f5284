import { describe, expect, it } from "vitest";
import { areaPath, CURVES, curvePath, monotoneSlopes, type Point } from "../src/widgets/chart/curves";
import { layoutChart } from "../src/widgets/chart/geometry";
import { linear, niceStep, niceTicks } from "../src/widgets/chart/scale";
import { readChart } from "../src/widgets/chart/spec";

/** Every coordinate pair of a path, in order. */
const coords = (d: string): Point[] => [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
const PTS: Point[] = [
  [0, 100],
  [50, 20],
  [100, 60],
  [150, 60],
  [200, 0],
];

describe("scales", () => {
  it("picks readable steps and widens the domain to whole steps", () => {
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(7, 4)).toBe(2);
    expect(niceTicks(0, 93)).toMatchObject({ min: 0, max: 100, step: 25, values: [0, 25, 50, 75, 100] });
    expect(niceTicks(-12, 30).values).toEqual([-20, 0, 20, 40]);
    expect(niceTicks(-12, 30, 6).values).toEqual([-20, -10, 0, 10, 20, 30]);
    expect(niceTicks(0, 0).values).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0, 0.3, 3).values).toEqual([0, 0.1, 0.2, 0.3]);
    expect(linear(0, 100, 200, 0)(25)).toBe(150);
  });
});

describe("curves", () => {
  it("draws every curve type from the first point (open curves end at the last)", () => {
    for (const curve of CURVES) {
      const d = curvePath(PTS, curve);
      expect(d.startsWith("M"), curve).toBe(true);
      const all = coords(d);
      if (!["basisOpen", "basisClosed"].includes(curve)) expect(all[0], curve).toEqual([0, 100]);
      if (!curve.endsWith("Closed") && curve !== "basisOpen") expect(all[all.length - 1], curve).toEqual([200, 0]);
      if (curve.endsWith("Closed")) expect(d.endsWith("Z"), curve).toBe(true);
    }
  });

  it("passes through every point where the curve interpolates", () => {
    for (const curve of ["linear", "natural", "monotoneX", "monotoneY", "bumpX", "bumpY", "step", "stepBefore", "stepAfter"] as const) {
      const all = coords(curvePath(PTS, curve)).map((p) => p.join());
      for (const p of PTS) expect(all, curve).toContain(p.join());
    }
  });

  it("shapes steps and bumps as their names say", () => {
    expect(curvePath(PTS.slice(0, 2), "stepAfter")).toBe("M0,100L50,100L50,20L50,20");
    expect(curvePath(PTS.slice(0, 2), "stepBefore")).toBe("M0,100L0,100L0,20L50,20");
    expect(curvePath(PTS.slice(0, 2), "step")).toBe("M0,100L25,100L25,20L50,20");
    expect(curvePath(PTS.slice(0, 2), "bumpX")).toBe("M0,100C25,100 25,20 50,20");
    expect(curvePath(PTS.slice(0, 2), "bumpY")).toBe("M0,100C0,60 50,60 50,20");
    expect(curvePath(PTS.slice(0, 2), "linear")).toBe("M0,100L50,20");
  });

  it("keeps monotone curves flat where the data is flat (no overshoot)", () => {
    const m = monotoneSlopes(PTS);
    expect(m[2]).toBe(0); // a local minimum between rising and falling data... and a plateau
    expect(m[3]).toBe(0);
    // Control points of the flat segment stay on the plateau.
    const flat = coords(curvePath(PTS, "monotoneX")).filter(([x]) => x > 100 && x < 150);
    for (const [, y] of flat) expect(y).toBe(60);
  });

  it("closes an area between a top line and its base", () => {
    const top: Point[] = [
      [0, 10],
      [10, 5],
    ];
    const base: Point[] = [
      [0, 20],
      [10, 20],
    ];
    expect(areaPath(top, base, "linear")).toBe("M0,10L10,5L10,20L0,20Z");
    expect(areaPath(top, base, "linearClosed")).toBe("M0,10L10,5L10,20L0,20Z");
  });

  it("draws a single point and nothing for no points", () => {
    expect(curvePath([[3, 4]], "natural")).toBe("M3,4Z");
    expect(curvePath([], "linear")).toBe("");
  });
});

describe("chart layout", () => {
  const fmt = (v: number): string => String(v);
  const chart = (over: Record<string, unknown>) =>
    readChart({
      type: "Chart",
      data: [
        { month: "Jan", a: 10, b: 30, c: 5 },
        { month: "Feb", a: "20", b: 10, c: 15 },
        { month: "Mar", a: 40, b: 20 },
      ],
      xAxis: { dataKey: "month", labels: { Feb: "February" } },
      ...over,
    });

  it("reads series, x axis and flags defensively", () => {
    const spec = chart({
      series: [{ type: "bar", dataKey: "a", label: "A" }, { type: "pie", dataKey: "b" }, { type: "line" }],
      showYAxis: true,
    });
    expect(spec.series.map((s) => s.dataKey)).toEqual(["a"]);
    expect(spec.xKey).toBe("month");
    expect(spec.xLabels).toEqual({ Feb: "February" });
    expect([spec.showXAxis, spec.showYAxis, spec.showLegend, spec.showTooltip]).toEqual([true, true, true, true]);
    expect(readChart({ type: "Chart", xAxis: "month", data: "nope", series: null })).toMatchObject({ xKey: "month", rows: [], series: [] });
  });

  it("places grouped bars side by side within their category, with the gaps asked for", () => {
    const spec = chart({
      series: [
        { type: "bar", dataKey: "a" },
        { type: "bar", dataKey: "b" },
      ],
      barGap: 6,
      barCategoryGap: 20,
    });
    const g = layoutChart(spec, 320, 200, fmt);
    const jan = g.bars.filter((b) => b.row === 0);
    expect(jan).toHaveLength(2);
    const [a, b] = jan as [(typeof jan)[0], (typeof jan)[0]];
    expect(b.x - (a.x + a.width)).toBeCloseTo(6);
    const band = g.categories[0]!.end - g.categories[0]!.start;
    expect(a.width * 2 + 6).toBeCloseTo(band - 20);
    // Heights follow the values against the same scale: b(30) is three times a(10).
    expect(b.height / a.height).toBeCloseTo(3, 1);
    // Bars stand on the zero line.
    const zero = g.ticks.find((t) => t.value === 0)!.y;
    expect(a.y + a.height).toBeCloseTo(zero);
  });

  it("stacks bars that share a stack, and scales to the stacked total", () => {
    const spec = chart({
      series: [
        { type: "bar", dataKey: "a", stack: "s" },
        { type: "bar", dataKey: "b", stack: "s" },
      ],
    });
    const g = layoutChart(spec, 300, 200, fmt);
    const [lower, upper] = g.bars.filter((b) => b.row === 2);
    expect(lower!.x).toBe(upper!.x);
    expect(upper!.y + upper!.height).toBeCloseTo(lower!.y); // one sits on the other
    expect(g.ticks[g.ticks.length - 1]!.value).toBeGreaterThanOrEqual(60);
  });

  it("spans line charts edge to edge and breaks lines at missing values", () => {
    const spec = chart({ series: [{ type: "line", dataKey: "c", curveType: "natural" }] });
    const g = layoutChart(spec, 300, 200, fmt);
    expect(g.categories[0]!.center).toBeCloseTo(g.plot.left);
    expect(g.categories[2]!.center).toBeCloseTo(g.plot.right);
    expect(g.paths[0]!.stroke.match(/M/g)).toHaveLength(1); // Mar is missing: the line ends at Feb
    expect(g.paths[0]!.points).toHaveLength(2);
  });

  it("stacks areas on each other and fills down to the lower one", () => {
    const spec = chart({
      series: [
        { type: "area", dataKey: "a", stack: "t" },
        { type: "area", dataKey: "b", stack: "t" },
      ],
    });
    const g = layoutChart(spec, 300, 200, fmt);
    const [first, second] = g.paths;
    expect(first!.fill).toMatch(/Z$/);
    // The second area's base is the first area's top line.
    const secondBase = coords(second!.fill!).slice(-3).reverse();
    expect(secondBase.map((p) => p[1])).toEqual(first!.points.map((p) => Number(p[1].toFixed(2))));
  });

  it("makes room for y labels only when the axis shows", () => {
    const series = [{ type: "bar", dataKey: "b" }];
    expect(layoutChart(chart({ series }), 300, 200, fmt).plot.left).toBe(1);
    expect(layoutChart(chart({ series, showYAxis: true }), 300, 200, fmt).plot.left).toBeGreaterThan(10);
    expect(layoutChart(chart({ series, xAxis: { dataKey: "month", hide: true } }), 300, 200, fmt).plot.bottom).toBe(199);
  });
});
