// The small interface between the element and the widget renderer (see README.md).
import type { ComponentType } from "preact";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ActionConfig } from "./types";

export type WidgetHost = {
  /**
   * Fires an action. The element routes it (client handler, sync or streamed server
   * action) and the promise settles when that is done, which ends loading states.
   */
  action(action: ActionConfig): Promise<void>;
  /** True while a response streams: streamed actions are blocked, sync ones are not. */
  blocked: boolean;
  /** The element's sanitizing Markdown renderer. */
  Markdown: ComponentType<{ text: string; streaming?: boolean }>;
  /** The element's image URL policy (thread.allowed_image_domains). */
  imageAllowed(src: string): boolean;
  /** Localized strings the built-in components need. */
  strings: { showMore: string; showLess: string };
  colorScheme: "light" | "dark";
};

export const HostContext = createContext<WidgetHost | null>(null);

export function useHost(): WidgetHost {
  const host = useContext(HostContext);
  if (!host) throw new Error("Widget rendered outside <WidgetView>");
  return host;
}

/** Fills in the `auto` loading behaviour per component kind. */
export function loadingBehavior(action: ActionConfig, auto: "self" | "container" | "none"): "self" | "container" | "none" {
  const b = action.loadingBehavior;
  return b === "self" || b === "container" || b === "none" ? b : auto;
}

/** Reads an ActionConfig prop defensively (server JSON). */
export function actionProp(v: unknown): ActionConfig | null {
  if (!v || typeof v !== "object") return null;
  const a = v as Record<string, unknown>;
  if (typeof a.type !== "string") return null;
  return {
    type: a.type,
    payload: a.payload,
    handler: a.handler === "client" ? "client" : "server",
    loadingBehavior: (["auto", "none", "self", "container"] as const).find((x) => x === a.loadingBehavior) ?? "auto",
    streaming: a.streaming !== false,
  };
}
