// Chart renders from its own chunk, fetched the first time a chart appears; until then
// a placeholder holds the chart's height.
import { useEffect, useState } from "preact/hooks";
import type { NodeProps } from "./components";

type ChartModule = typeof import("./chart/ChartView");
let chart: ChartModule | null = null;
let loading: Promise<ChartModule> | null = null;

export function Chart({ node }: NodeProps) {
  const [loaded, setLoaded] = useState(!!chart);
  useEffect(() => {
    // The chunk may have arrived after the first render: the state update still re-renders.
    if (loaded) return;
    loading ??= import("./chart/ChartView").then((m) => (chart = m));
    void loading.then(() => setLoaded(true));
  }, []);
  if (!chart) return <div class="ckw-chart ckw-chart-loading ck-shimmer" aria-busy="true" />;
  return <chart.ChartView node={node} />;
}
