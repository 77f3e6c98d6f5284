// The interface between the element and the widget renderer (see README.md).
import type { ComponentType } from "preact";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Strings } from "../i18n/en";
import { obj } from "./props";
import type { Scheme } from "./style";
import type { ActionConfig } from "./types";

/** The localized strings the built-in components use. */
export type WidgetStrings = Pick<Strings, "showMore" | "showLess" | "select" | "search" | "clear" | "noResults" | "invalidFormat">;

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
  strings: WidgetStrings;
  colorScheme: Scheme;
  /** The element's theme variables for the other scheme (a root's own `theme`). */
  schemeVariables(scheme: Scheme): Record<string, string>;
};

export const HostContext = createContext<WidgetHost | null>(null);

export function useHost(): WidgetHost {
  const host = useContext(HostContext);
  if (!host) throw new Error("Widget rendered outside <WidgetView>");
  return host;
}

export type Loading = "self" | "container" | "none";

/** Fills in the `auto` loading behaviour per component kind. */
export function loadingBehavior(action: ActionConfig, auto: Loading): Loading {
  const b = action.loadingBehavior;
  return b === "self" || b === "container" || b === "none" ? b : auto;
}

/** Reads an ActionConfig prop defensively (server JSON). */
export function actionProp(v: unknown): ActionConfig | null {
  const a = obj(v);
  if (!a || typeof a.type !== "string") return null;
  return {
    type: a.type,
    payload: a.payload,
    handler: a.handler === "client" ? "client" : "server",
    loadingBehavior: (["auto", "none", "self", "container"] as const).find((x) => x === a.loadingBehavior) ?? "auto",
    streaming: a.streaming !== false,
  };
}
