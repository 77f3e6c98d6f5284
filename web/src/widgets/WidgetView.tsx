// The widget renderer's entry point: <WidgetView root host />. Roots (Card, ListView,
// Basic) own the status header, form handling and the container loading state.
import { useRef, useState } from "preact/hooks";
import { Icon } from "../ui/icons";
import { ContainerLoading, FormContext, useFire } from "./actions";
import { Children, Node } from "./components";
import { actionProp, HostContext, useHost, type WidgetHost } from "./host";
import { boxStyle, color, spacing } from "./style";
import { childrenOf } from "./tree";
import type { WidgetNode, WidgetRoot } from "./types";

export type { WidgetHost } from "./host";
export { default as styles } from "./styles.css?inline";

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function Status({ node }: { node: WidgetNode }) {
  const s = node.status;
  if (!s || typeof s !== "object") return null;
  const status = s as { text?: unknown; icon?: unknown; favicon?: unknown };
  const favicon = str(status.favicon);
  const { imageAllowed } = useHost();
  return (
    <div class="ckw-status">
      {favicon && imageAllowed(favicon) ? <img src={favicon} alt="" width={16} height={16} referrerpolicy="no-referrer" /> : str(status.icon) && <Icon name={str(status.icon)!} size={14} />}
      <span>{str(status.text) ?? ""}</span>
    </div>
  );
}

function CardFooterButton({ def, primary, onDone }: { def: unknown; primary: boolean; onDone: () => void }) {
  const d = def && typeof def === "object" ? (def as { label?: unknown; action?: unknown }) : null;
  const action = actionProp(d?.action);
  const { fire, loading, blocked } = useFire(primary ? "container" : "self");
  if (!d || !action) return null;
  return (
    <button
      type="button"
      class={`ckw-button ckw-size-md ${primary ? "ckw-tone-primary ckw-solid" : "ckw-tone-secondary ckw-outline"}`}
      disabled={blocked(action)}
      aria-busy={loading || undefined}
      onClick={() => void fire(action).then(onDone)}
    >
      {loading && <span class="ck-spinner" aria-hidden="true" />}
      {str(d.label) ?? action.type}
    </button>
  );
}

function Card({ node }: { node: WidgetNode }) {
  const host = useHost();
  const form = useRef<HTMLFormElement>(null);
  const [collapsed, setCollapsed] = useState(false);
  const size = str(node.size) ?? "md";
  const body = (
    <div class="ckw-card-body ckw-col" style={{ ...spacing(node.padding, "padding") }}>
      <Children node={node} />
    </div>
  );
  const collapseAfter = (): void => {
    if (node.collapsed) setCollapsed(true);
  };
  return (
    <div class={`ckw-card ckw-card-${size}`} style={{ background: color(node.background, host.colorScheme, "surface"), ...boxBorder(node, host) }}>
      <Status node={node} />
      <FormContext.Provider value={node.asForm ? form : null}>
        {!collapsed &&
          (node.asForm ? (
            <form ref={form} noValidate onSubmit={(e) => e.preventDefault()}>
              {body}
            </form>
          ) : (
            body
          ))}
        {(!!node.confirm || !!node.cancel) && !collapsed && (
          <div class="ckw-card-footer">
            <CardFooterButton def={node.cancel} primary={false} onDone={() => {}} />
            <CardFooterButton def={node.confirm} primary onDone={collapseAfter} />
          </div>
        )}
      </FormContext.Provider>
    </div>
  );
}

const boxBorder = (node: WidgetNode, host: WidgetHost) => {
  const { border, borderTop, borderBottom, borderLeft, borderRight } = boxStyle({ border: node.border }, host.colorScheme);
  return { border, borderTop, borderBottom, borderLeft, borderRight };
};

function ListView({ node }: { node: WidgetNode }) {
  const host = useHost();
  const items = childrenOf(node);
  const limit = typeof node.limit === "number" ? node.limit : node.limit === "auto" ? 5 : Infinity;
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? items : items.slice(0, limit);
  return (
    <div class="ckw-listview">
      <Status node={node} />
      <div class="ckw-list" role="list">
        {shown.map((item, i) => (
          <div role="listitem" key={item.key ?? item.id ?? i}>
            <Node node={item} />
          </div>
        ))}
      </div>
      {items.length > limit && (
        <button type="button" class="ckw-show-more" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? host.strings.showLess : host.strings.showMore}
        </button>
      )}
    </div>
  );
}

function Basic({ node }: { node: WidgetNode }) {
  const host = useHost();
  return (
    <div class={`ckw-basic ckw-box ckw-${node.direction === "row" ? "row" : "col"}`} style={boxStyle(node, host.colorScheme)}>
      {childrenOf(node).map((child, i) => (
        <RootOrNode key={child.key ?? child.id ?? i} node={child} />
      ))}
    </div>
  );
}

function RootOrNode({ node }: { node: WidgetNode }) {
  if (node.type === "Card") return <Card node={node} />;
  if (node.type === "ListView") return <ListView node={node} />;
  if (node.type === "Basic") return <Basic node={node} />;
  return <Node node={node} />;
}

/** Renders one widget root. `host` connects it to the element (actions, Markdown, policy). */
export function WidgetView({ root, host }: { root: WidgetRoot; host: WidgetHost }) {
  const [loading, setLoading] = useState(false);
  const scheme = root.theme === "dark" || root.theme === "light" ? root.theme : host.colorScheme;
  const scoped = scheme === host.colorScheme ? host : { ...host, colorScheme: scheme };
  return (
    <HostContext.Provider value={scoped}>
      <ContainerLoading.Provider value={setLoading}>
        <div class={`ckw-root ckw-scheme-${scheme}${loading ? " ckw-loading" : ""}`} aria-busy={loading || undefined} inert={loading || undefined}>
          <RootOrNode node={root} />
        </div>
      </ContainerLoading.Provider>
    </HostContext.Provider>
  );
}
