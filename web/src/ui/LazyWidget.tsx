// The widget renderer is its own chunk, fetched the first time a widget shows up; its
// stylesheet is added to the shadow root it renders into. `useWidgetHost` is the one
// place the element describes itself to the renderer (see widgets/README.md).
import { useEffect, useState } from "preact/hooks";
import type { WidgetHost } from "../widgets/host";
import type { WidgetRoot } from "../widgets/types";
import { useController, useImagePolicy, useStrings } from "./context";
import { Markdown } from "./Markdown";
import { themeVariables } from "./theme";

/** The host for a widget: how its actions are handled; images follow the thread's policy. */
export function useWidgetHost({ action, blocked }: Pick<WidgetHost, "action" | "blocked">): WidgetHost {
  const c = useController();
  const t = useStrings();
  const images = useImagePolicy();
  const theme = c.options.value.theme;
  return {
    action,
    blocked,
    Markdown: WidgetMarkdown,
    imageAllowed: images.allowed,
    strings: t,
    colorScheme: theme.colorScheme === "dark" ? "dark" : "light",
    // A widget in the other scheme keeps the page's greys and accent, not its surface
    // colours (those are chosen for the page's own scheme).
    schemeVariables: (scheme) =>
      themeVariables(
        scheme === (theme.colorScheme ?? "light")
          ? theme
          : { ...theme, colorScheme: scheme, color: { ...theme.color, surface: undefined } },
      ),
  };
}

// A stable component type, so widget Markdown is not remounted on every update.
const WidgetMarkdown = (p: { text: string; streaming?: boolean }) => <Markdown text={p.text} streaming={p.streaming} />;

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
  const [loaded, setLoaded] = useState(!!renderer);
  useEffect(() => {
    // Not `if (renderer) return`: the chunk may have arrived between this widget's
    // first render and this effect, and then only the state update re-renders it.
    if (loaded) return;
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
