// The widget renderer's entry point: <WidgetView root host />. It owns what is per
// widget: the colour scheme (a root's own `theme` wins), the container loading state
// (the widget fades and turns inert) and the ids that tie labels to controls.
import { useId, useMemo, useState } from "preact/hooks";
import { ContainerLoading } from "./actions";
import { FieldIdContext, fieldIds } from "./fieldIds";
import { HostContext, type WidgetHost } from "./host";
import { RootOrNode } from "./roots";
import type { WidgetRoot } from "./types";

export type { WidgetHost } from "./host";
export { default as styles } from "./styles.css?inline";

/** Renders one widget root. `host` connects it to the element (actions, Markdown, policy). */
export function WidgetView({ root, host }: { root: WidgetRoot; host: WidgetHost }) {
  const [pending, setPending] = useState(0);
  const id = useId();
  const ids = useMemo(() => fieldIds(`ckw${id.replace(/[^\w-]/g, "")}`), [id]);
  const scheme = root.theme === "dark" || root.theme === "light" ? root.theme : host.colorScheme;
  const own = scheme !== host.colorScheme;
  const scoped = own ? { ...host, colorScheme: scheme } : host;
  const loading = pending > 0;
  return (
    <HostContext.Provider value={scoped}>
      <ContainerLoading.Provider value={(delta) => setPending((n) => Math.max(0, n + delta))}>
        <FieldIdContext.Provider value={ids}>
          <div
            class={`ckw-root ckw-scheme-${scheme}${loading ? " ckw-loading" : ""}`}
            style={own ? host.schemeVariables(scheme) : undefined}
            aria-busy={loading || undefined}
            inert={loading || undefined}
          >
            <RootOrNode node={root} />
          </div>
        </FieldIdContext.Provider>
      </ContainerLoading.Provider>
    </HostContext.Provider>
  );
}
