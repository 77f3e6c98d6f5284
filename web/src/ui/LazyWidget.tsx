// The widget renderer is its own chunk, fetched the first time a widget shows up; its
// stylesheet is added to the shadow root it renders into.
import { useEffect, useState } from "preact/hooks";
import type { WidgetHost } from "../widgets/host";
import type { WidgetRoot } from "../widgets/types";

type Renderer = typeof import("../widgets/WidgetView");
let renderer: Renderer | null = null;
let loading: Promise<Renderer> | null = null;

function installStyles(el: Element | null, css: string): void {
  const root = el?.getRootNode();
  if (!(root instanceof ShadowRoot || root instanceof Document) || root.querySelector("style[data-ck-widgets]")) return;
  const style = document.createElement("style");
  style.dataset.ckWidgets = "";
  style.textContent = css;
  (root instanceof Document ? root.head : root).appendChild(style);
}

export function Widget({ root, host }: { root: WidgetRoot; host: WidgetHost }) {
  const [, setLoaded] = useState(!!renderer);
  useEffect(() => {
    if (renderer) return;
    loading ??= import("../widgets/WidgetView").then((m) => (renderer = m));
    void loading.then(() => setLoaded(true));
  }, []);
  if (!renderer) return <div class="ck-widget-loading ck-shimmer" aria-busy="true" />;
  const { WidgetView, styles } = renderer;
  return (
    <div class="ck-widget-root" ref={(el) => installStyles(el, styles)}>
      <WidgetView root={root} host={host} />
    </div>
  );
}
