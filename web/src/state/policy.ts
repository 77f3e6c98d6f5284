// The one policy for calls that need the server (see ChatController.ready):
// - a call that streams a turn or loads a thread needs the element idle: otherwise it
//   rejects with BusyError (nothing is queued, nothing is dropped silently);
// - every call that makes a request needs a transport: otherwise NotConfiguredError;
// - the page's method calls get those rejections; the element's own controls call the
//   same methods through `fromUi`, which drops a BusyError (a control used just as the
//   element became busy; controls are disabled while busy) and reports the rest as
//   chatkit.error.

export class BusyError extends Error {
  constructor() {
    super("ChatKit is busy: a response is streaming or a thread is loading");
    this.name = "BusyError";
  }
}

export class NotConfiguredError extends Error {
  constructor() {
    super("ChatKit is not configured: call setOptions({api}) first");
    this.name = "NotConfiguredError";
  }
}

export const errorOf = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
export const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === "AbortError";
