// The Chart component (its own lazy chunk): bar, line and area series in one SVG sized
// to its box, with optional y axis, legend and a tooltip that follows the pointer or
// the arrow keys. The data is also in a visually hidden table for screen readers.
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { NodeProps } from "../components";
import { useHost } from "../host";
import { blockStyle, color, type Scheme } from "../style";
import { layoutChart } from "./geometry";
import { type ChartSpec, numberAt, readChart, type Series, xLabel } from "./spec";

/** ChatKit's chart colour tokens, in the order series take them by default. */
export const CHART_TOKENS = ["blue", "purple", "orange", "green", "red", "yellow", "pink"] as const;
const DEFAULT_HEIGHT = 200;
const LABEL_CHAR = 6.5;
/** Half a typical tooltip's width: it stays inside the plot at the edges. */
const TOOLTIP_HALF = 64;

export function seriesColor(s: Series, index: number, scheme: Scheme): string {
  const token = CHART_TOKENS.find((t) => t === s.color) ?? (s.color === undefined ? CHART_TOKENS[index % CHART_TOKENS.length] : undefined);
  return token ? `var(--ckw-chart-${token})` : (color(s.color, scheme) ?? `var(--ckw-chart-${CHART_TOKENS[index % CHART_TOKENS.length]})`);
}

function useBoxSize(ref: { current: HTMLElement | null }): { width: number; height: number } | null {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (): void => {
      const r = el.getBoundingClientRect();
      // Without layout (no CSS engine) fall back to a nominal box.
      const next = { width: Math.round(r.width) || 400, height: Math.round(r.height) || DEFAULT_HEIGHT };
      setSize((s) => (s && s.width === next.width && s.height === next.height ? s : next));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return size;
}

/** Every `step`-th x label, so labels never overlap. */
function labelStep(spec: ChartSpec, spacing: number): number {
  const widest = Math.max(0, ...spec.rows.map((_, i) => xLabel(spec, i).length)) * LABEL_CHAR + 8;
  return spacing > 0 ? Math.max(1, Math.ceil(widest / spacing)) : 1;
}

export function ChartView({ node }: NodeProps) {
  const host = useHost();
  const spec = useMemo(() => readChart(node), [node]);
  const plotRef = useRef<HTMLDivElement>(null);
  const size = useBoxSize(plotRef);
  const [active, setActive] = useState<number | null>(null);
  const format = useMemo(() => new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 }).format, []);
  const g = size ? layoutChart(spec, size.width, size.height, format) : null;
  const colors = spec.series.map((s, i) => seriesColor(s, i, host.colorScheme));
  const sized = ["height", "size", "aspectRatio", "minHeight"].some((k) => node[k] !== undefined);
  const n = spec.rows.length;

  const pick = (clientX: number): void => {
    const el = plotRef.current;
    if (!g || !el || !n) return;
    const x = clientX - el.getBoundingClientRect().left;
    let best = 0;
    g.categories.forEach((c, i) => {
      if (Math.abs(c.center - x) < Math.abs(g.categories[best]!.center - x)) best = i;
    });
    setActive(best);
  };
  const onKey = (e: KeyboardEvent): void => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -n, End: n };
    if (e.key === "Escape") setActive(null);
    if (!(e.key in moves) || !n) return;
    e.preventDefault();
    setActive(Math.max(0, Math.min(n - 1, (active ?? -1) + moves[e.key]!)));
  };

  const step = g && n > 1 ? labelStep(spec, Math.abs(g.categories[1]!.center - g.categories[0]!.center)) : 1;
  const category = active !== null && g ? g.categories[active] : undefined;
  return (
    <div
      class="ckw-chart"
      style={{ ...blockStyle(node), flex: typeof node.flex === "number" || typeof node.flex === "string" ? String(node.flex) : undefined }}
    >
      <div
        ref={plotRef}
        class="ckw-chart-plot"
        style={sized ? undefined : { height: `${DEFAULT_HEIGHT}px` }}
        tabIndex={spec.showTooltip && n ? 0 : undefined}
        role="img"
        aria-label={spec.series.map((s) => s.label).join(", ")}
        onPointerMove={spec.showTooltip ? (e) => pick(e.clientX) : undefined}
        onPointerLeave={() => setActive(null)}
        onKeyDown={spec.showTooltip ? onKey : undefined}
        onBlur={() => setActive(null)}
      >
        {g && size && (
          <svg width={size.width} height={size.height} class="ckw-chart-svg" aria-hidden="true">
            {category && (
              <rect
                class="ckw-chart-hover"
                x={category.start}
                y={g.plot.top}
                width={category.end - category.start}
                height={g.plot.bottom - g.plot.top}
              />
            )}
            {g.ticks.map((t) => (
              <g key={t.value}>
                <line class={t.value === 0 ? "ckw-chart-zero" : "ckw-chart-grid"} x1={g.plot.left} x2={g.plot.right} y1={t.y} y2={t.y} />
                {spec.showYAxis && (
                  <text class="ckw-chart-label" x={g.plot.left - 6} y={t.y} text-anchor="end" dominant-baseline="middle">
                    {format(t.value)}
                  </text>
                )}
              </g>
            ))}
            {g.paths.map(
              (p) => p.fill && <path key={`a${p.series}`} class="ckw-chart-area" d={p.fill} style={{ fill: colors[p.series] }} />,
            )}
            {g.bars.map((b) => (
              <rect
                key={`b${b.series}-${b.row}`}
                class="ckw-chart-bar"
                x={b.x}
                y={b.y}
                width={b.width}
                height={b.height}
                rx={Math.min(3, b.width / 2)}
                style={{ fill: colors[b.series] }}
              />
            ))}
            {g.paths.map((p) => (
              <path key={`l${p.series}`} class="ckw-chart-line" d={p.stroke} style={{ stroke: colors[p.series] }} />
            ))}
            {active !== null &&
              g.paths.map(
                (p) =>
                  p.points[active] && (
                    <circle
                      key={`d${p.series}`}
                      class="ckw-chart-dot"
                      cx={p.points[active]![0]}
                      cy={p.points[active]![1]}
                      r={3.5}
                      style={{ fill: colors[p.series] }}
                    />
                  ),
              )}
            {spec.showXAxis &&
              g.categories.map(
                (c, i) =>
                  i % step === 0 && (
                    <text key={i} class="ckw-chart-label" x={c.center} y={g.plot.bottom + 15} text-anchor="middle">
                      {xLabel(spec, i)}
                    </text>
                  ),
              )}
          </svg>
        )}
        {spec.showTooltip && category && active !== null && (
          <div
            class="ckw-chart-tooltip"
            aria-hidden="true"
            style={{ left: `${Math.max(TOOLTIP_HALF, Math.min(category.center, (size?.width ?? 0) - TOOLTIP_HALF))}px` }}
          >
            <div class="ckw-chart-tooltip-title">{xLabel(spec, active)}</div>
            {spec.series.map((s, i) => (
              <div key={i} class="ckw-chart-tooltip-row">
                <span class="ckw-swatch" style={{ background: colors[i] }} />
                <span>{s.label}</span>
                <b>{numberAt(spec.rows[active], s.dataKey) ?? "–"}</b>
              </div>
            ))}
          </div>
        )}
      </div>
      {spec.showLegend && spec.series.length > 0 && (
        <ul class="ckw-legend" aria-hidden="true">
          {spec.series.map((s, i) => (
            <li key={i}>
              <span class="ckw-swatch" style={{ background: colors[i] }} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <table class="ck-sr-only">
        <thead>
          <tr>
            <th scope="col">{spec.xKey}</th>
            {spec.series.map((s, i) => (
              <th key={i} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {spec.rows.map((row, r) => (
            <tr key={r}>
              <th scope="row">{xLabel(spec, r)}</th>
              {spec.series.map((s, i) => (
                <td key={i}>{numberAt(row, s.dataKey) ?? ""}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
