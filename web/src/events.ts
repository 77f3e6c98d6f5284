// The 13 DOM events of <openai-chatkit> and their `detail` shapes.
export type ChatKitEventMap = {
  "chatkit.ready": undefined;
  "chatkit.error": { error: Error };
  "chatkit.effect": { name: string; data?: Record<string, unknown> };
  "chatkit.deeplink": { name: string; data?: Record<string, unknown> };
  "chatkit.response.start": undefined;
  "chatkit.response.end": undefined;
  "chatkit.history.open": undefined;
  "chatkit.history.close": undefined;
  "chatkit.thread.change": { threadId: string | null };
  "chatkit.thread.load.start": { threadId: string };
  "chatkit.thread.load.end": { threadId: string };
  "chatkit.tool.change": { toolId: string | null };
  "chatkit.log": { name: string; data?: Record<string, unknown> };
};
export type ChatKitEventName = keyof ChatKitEventMap;
export type Emit = <K extends ChatKitEventName>(
  name: K,
  ...detail: ChatKitEventMap[K] extends undefined ? [] : [ChatKitEventMap[K]]
) => void;

/** `chatkit-link://name?k=v` -> `{name, data: {k: v}}` for chatkit.deeplink. */
export function parseDeeplink(href: string): ChatKitEventMap["chatkit.deeplink"] | null {
  const m = /^chatkit-link:(?:\/\/)?([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(href.trim());
  if (!m) return null;
  const data: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(m[3] ?? "")) data[k] = v;
  const path = decodeURIComponent(m[2]!.replace(/^\//, ""));
  if (path) data.path = path;
  return { name: decodeURIComponent(m[1]!), data };
}
