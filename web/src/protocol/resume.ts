// chatloom's resumable-responses extension (docs/server.md, "Resumable responses").
// A streaming request says it can resume (request metadata, which ChatKit servers
// ignore); a server that supports it tags every event with `id: <response>:<seq>` and
// keeps the response running when the connection drops. The transport then asks for
// the events after the last id it saw. Without ids (any other server) nothing changes.

import type { StreamingRequest } from "./types";

export const RESUMABLE_METADATA = "chatloom.resumable";
/** Set on a loaded thread whose reply is still streaming (another tab, a reload). */
export const RUNNING_RESPONSE_FIELD = "chatloom_running_response";

/** Reconnection attempts before the turn fails as it would without resumption. */
export const MAX_RESUME_ATTEMPTS = 8;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8000;

/** Delay before reconnection `attempt` (0-based): exponential, capped, half of it jittered
 * so that clients cut off together do not come back together. */
export function resumeDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** The response an event id belongs to (`resp_…:17` -> `resp_…`). */
export function responseOf(eventId: string): string {
  return eventId.slice(0, eventId.lastIndexOf(":"));
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The request that follows a loaded thread's still-streaming reply from its start (the
 * replay rebuilds the partial reply the thread came with), or null. */
export function attachRequest(thread: object): StreamingRequest | null {
  const running = (thread as Record<string, unknown>)[RUNNING_RESPONSE_FIELD];
  return typeof running === "string" && running ? { type: "responses.resume", params: { last_event_id: `${running}:0` } } : null;
}
