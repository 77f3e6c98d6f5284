// Immutable edits of a widget tree by component id (for streamed widget updates).
import type { WidgetNode } from "./types";

export function childrenOf(node: WidgetNode): WidgetNode[] {
  const c = node.children;
  if (Array.isArray(c)) return c.filter((x): x is WidgetNode => !!x && typeof x === "object");
  return c && typeof c === "object" ? [c] : [];
}

/** Returns a copy of `node` with the component `id` replaced by `fn(component)`; same object if absent. */
export function updateById(node: WidgetNode, id: string, fn: (n: WidgetNode) => WidgetNode): WidgetNode {
  if (node.id === id) return fn(node);
  const kids = node.children;
  if (!kids || typeof kids !== "object") return node;
  if (!Array.isArray(kids)) {
    const next = updateById(kids, id, fn);
    return next === kids ? node : { ...node, children: next };
  }
  let changed = false;
  const next = kids.map((k) => {
    if (!k || typeof k !== "object") return k;
    const n = updateById(k, id, fn);
    if (n !== k) changed = true;
    return n;
  });
  return changed ? { ...node, children: next } : node;
}
