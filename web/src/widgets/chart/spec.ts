// A Chart node read defensively into what the renderer draws: rows, series, x axis.
import { list, num, obj, oneOf, str } from "../props";
import type { WidgetNode } from "../types";
import { CURVES, type Curve } from "./curves";

export type Series = { type: "bar" | "line" | "area"; dataKey: string; label: string; stack?: string; color: unknown; curve?: Curve };

export type ChartSpec = {
  rows: Record<string, unknown>[];
  series: Series[];
  xKey: string;
  xLabels: Record<string, string>;
  showXAxis: boolean;
  showYAxis: boolean;
  showLegend: boolean;
  showTooltip: boolean;
  /** Pixels between the bars of one category. */
  barGap: number;
  /** Pixels between categories; undefined: a tenth of a category's width. */
  barCategoryGap: number | undefined;
};

export function readChart(node: WidgetNode): ChartSpec {
  const axis = obj(node.xAxis);
  const labels = obj(axis?.labels) ?? {};
  return {
    rows: list(node.data),
    series: list(node.series).flatMap((s): Series[] => {
      const type = oneOf(s.type, ["bar", "line", "area"] as const);
      const dataKey = str(s.dataKey);
      if (!type || !dataKey) return [];
      return [{ type, dataKey, label: str(s.label) ?? dataKey, stack: str(s.stack), color: s.color, curve: oneOf(s.curveType, CURVES) }];
    }),
    xKey: str(node.xAxis) ?? str(axis?.dataKey) ?? "",
    xLabels: Object.fromEntries(Object.entries(labels).flatMap(([k, v]) => (str(v) !== undefined ? [[k, str(v)!]] : []))),
    showXAxis: axis?.hide !== true,
    showYAxis: node.showYAxis === true,
    showLegend: node.showLegend !== false,
    showTooltip: node.showTooltip !== false,
    barGap: Math.max(0, num(node.barGap) ?? 4),
    barCategoryGap: num(node.barCategoryGap),
  };
}

/** A cell as a number: numbers, numeric strings; anything else is missing. */
export function numberAt(row: Record<string, unknown> | undefined, key: string): number | null {
  const v = row?.[key];
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** The label of row `i` on the x axis (through `xAxis.labels` when given). */
export function xLabel(spec: ChartSpec, i: number): string {
  const raw = str(spec.rows[i]?.[spec.xKey]) ?? "";
  return spec.xLabels[raw] ?? raw;
}
