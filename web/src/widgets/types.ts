// Widget trees are server JSON: every node has a `type`, optional `id`/`key`, and
// component-specific props. The renderer reads props defensively (see props.ts), so the
// tree is typed loosely here rather than as a closed union that servers can outgrow.

export type WidgetNode = {
  type: string;
  id?: string;
  key?: string;
  children?: WidgetNode[] | WidgetNode | null;
  [prop: string]: unknown;
};

export type WidgetRoot = WidgetNode & { type: "Card" | "ListView" | "Basic" | (string & {}) };
export type WidgetComponent = WidgetNode;

/** An ActionConfig as it appears on widget props (camelCase keys on the wire). */
export type ActionConfig = {
  type: string;
  payload?: unknown;
  handler?: "client" | "server";
  loadingBehavior?: "auto" | "none" | "self" | "container";
  streaming?: boolean;
};
