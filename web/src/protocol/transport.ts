// One endpoint, two kinds of answer: JSON for reads and small writes, SSE for turns.
// The endpoint comes from an EndpointSource so a hosted-mode client-secret source can
// be plugged in beside the self-hosted `api.url` one without touching the callers.
import { MAX_RESUME_ATTEMPTS, pause, RESUMABLE_METADATA, responseOf, resumeDelay } from "./resume";
import { readSSE } from "./sse";
import type { Attachment, JsonRequestMap, JsonRequestType, StreamEvent, StreamingRequest } from "./types";

/** Where requests go and which extra headers they carry. */
export type Endpoint = { url: string; headers: Record<string, string>; fetch: typeof fetch };
export interface EndpointSource {
  resolve(): Promise<Endpoint>;
  /** Called after a 401: the next resolve() should fetch fresh credentials. */
  invalidate(): void;
  /** Sees every response (hosted mode reads when its secret expires). */
  observe?(res: Response): void;
}

/** Sent by chatloom's hosted backend: when the client secret expires (unix seconds). */
export const SECRET_EXPIRES_HEADER = "Chatloom-Secret-Expires-At";

/** An HTTP-level failure; `message` comes from a JSON `{"error": ...}` body when present. */
export class ChatKitHTTPError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ChatKitHTTPError";
  }
}

const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export function customEndpoint(url: string, customFetch: typeof fetch | undefined): EndpointSource {
  const endpoint = { url, headers: {}, fetch: customFetch ?? defaultFetch };
  return { resolve: async () => endpoint, invalidate: () => {} };
}

/**
 * Hosted mode: `getClientSecret(current)` supplies a bearer token for
 * `<base>/v1/chatkit/conversation`. The secret is cached until the server rejects it
 * or, when the server says when it expires, until shortly before that.
 */
export function hostedEndpoint(
  base: string,
  getClientSecret: (current: string | null) => Promise<string>,
  now: () => number = Date.now,
): EndpointSource {
  let secret: string | null = null;
  let pending: Promise<string> | null = null;
  let stale = true;
  let obtainedAt = 0;
  let refreshAt = Infinity;
  return {
    async resolve() {
      if (!stale && now() >= refreshAt) stale = true;
      if (stale) {
        pending ??= getClientSecret(secret).finally(() => (pending = null));
        secret = await pending;
        stale = false;
        obtainedAt = now();
        refreshAt = Infinity;
      }
      return {
        // Relative to the base, so a base with a path prefix keeps it.
        url: new URL("v1/chatkit/conversation", base.endsWith("/") ? base : `${base}/`).href,
        headers: { Authorization: `Bearer ${secret}`, "OpenAI-Beta": "chatkit_beta=v1" },
        fetch: defaultFetch,
      };
    },
    invalidate() {
      stale = true;
    },
    observe(res) {
      const expires = Number(res.headers.get(SECRET_EXPIRES_HEADER));
      if (!expires) return;
      // Refresh 30 s before expiry, or half-way through a shorter lifetime.
      const expiresAt = expires * 1000;
      refreshAt = expiresAt - Math.min(30_000, Math.max(0, expiresAt - obtainedAt) / 2);
    },
  };
}

async function errorFrom(res: Response): Promise<ChatKitHTTPError> {
  let message = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
  try {
    const body: unknown = JSON.parse(await res.text());
    const err = body && typeof body === "object" ? (body as Record<string, unknown>).error : undefined;
    if (typeof err === "string") message = err;
    else if (err && typeof err === "object" && typeof (err as Record<string, unknown>).message === "string") {
      message = (err as { message: string }).message;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ChatKitHTTPError(res.status, message);
}

export type UploadProgress = (fraction: number) => void;

/** What a stream tells its caller besides events: a dropped connection being resumed. */
export type StreamHooks = { onReconnecting?: (reconnecting: boolean) => void };

function parseEvent(data: string): StreamEvent | null {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return null; // a malformed frame must not end the turn
  }
  const typed = event && typeof event === "object" && typeof (event as { type?: unknown }).type === "string";
  return typed ? (event as StreamEvent) : null;
}

export class Transport {
  constructor(
    private readonly source: EndpointSource,
    private readonly locale: () => string,
  ) {}

  private async post(body: unknown, accept: string, signal?: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const endpoint = await this.source.resolve();
      const res = await endpoint.fetch(endpoint.url, {
        method: "POST",
        headers: {
          ...endpoint.headers,
          "Content-Type": "application/json",
          Accept: accept,
          "Accept-Language": this.locale(),
        },
        body: JSON.stringify(body),
        signal,
      });
      this.source.observe?.(res);
      if (res.status === 401 && attempt === 0) {
        this.source.invalidate();
        continue;
      }
      if (!res.ok) throw await errorFrom(res);
      return res;
    }
  }

  async json<K extends JsonRequestType>(type: K, params: JsonRequestMap[K][0], signal?: AbortSignal): Promise<JsonRequestMap[K][1]> {
    const res = await this.post({ type, params }, "application/json", signal);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as JsonRequestMap[K][1];
  }

  /**
   * Streams a turn; aborting `signal` is Stop. A classic server treats the disconnect as
   * Stop; a resumable one (its events carry ids) is told with `responses.cancel`, and a
   * connection it drops mid-response is resumed after the last event seen.
   */
  async *stream(request: StreamingRequest, signal: AbortSignal, hooks: StreamHooks = {}): AsyncGenerator<StreamEvent> {
    let lastId: string | null = null;
    const stop = () => {
      if (lastId) void this.json("responses.cancel", { response_id: responseOf(lastId) }).catch(() => {});
    };
    signal.addEventListener("abort", stop, { once: true });
    let reconnecting = false;
    const setReconnecting = (value: boolean) => {
      if (value !== reconnecting) hooks.onReconnecting?.((reconnecting = value));
    };
    try {
      let res = await this.post({ ...request, metadata: { [RESUMABLE_METADATA]: true } }, "text/event-stream", signal);
      for (;;) {
        try {
          if (!res.body) return;
          for await (const { data, id } of readSSE(res.body)) {
            lastId = id;
            const event = parseEvent(data);
            if (event) yield event;
          }
          return;
        } catch (e) {
          if (signal.aborted || !lastId || e instanceof ChatKitHTTPError) throw e;
        }
        setReconnecting(true);
        res = await this.resume(lastId, signal);
        setReconnecting(false);
      }
    } finally {
      setReconnecting(false);
      signal.removeEventListener("abort", stop);
    }
  }

  /** Asks for the events after `lastId`, with backoff; gives up on a 4xx (the response
   * is unknown or expired) or after MAX_RESUME_ATTEMPTS network failures. */
  private async resume(lastId: string, signal: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      await pause(resumeDelay(attempt), signal);
      try {
        return await this.post({ type: "responses.resume", params: { last_event_id: lastId } }, "text/event-stream", signal);
      } catch (e) {
        const refused = e instanceof ChatKitHTTPError && e.status >= 400 && e.status < 500;
        if (signal.aborted || refused || attempt + 1 >= MAX_RESUME_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * Uploads one file: POST sends multipart `file` (the ChatKit convention); PUT sends the
   * raw bytes with the file's type (what presigned object-store URLs expect). XHR
   * reports upload progress; a custom `api.fetch` (e.g. one adding auth) is honoured
   * instead, without progress.
   */
  async upload(
    url: string,
    file: File,
    opts: {
      method?: "POST" | "PUT";
      headers?: Record<string, string>;
      onProgress?: UploadProgress;
      signal?: AbortSignal;
      viaFetch?: typeof fetch;
    },
  ): Promise<unknown> {
    const put = opts.method === "PUT";
    let body: Blob | FormData = file;
    if (!put) {
      body = new FormData();
      body.append("file", file, file.name);
    }
    const headers: Record<string, string> = { "Accept-Language": this.locale(), ...opts.headers };
    if (put && file.type && !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) {
      headers["Content-Type"] = file.type;
    }
    if (opts.viaFetch) {
      const res = await opts.viaFetch(url, { method: opts.method ?? "POST", headers, body, signal: opts.signal });
      if (!res.ok) throw await errorFrom(res);
      opts.onProgress?.(1);
      const text = await res.text();
      return text ? JSON.parse(text) : null;
    }
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(opts.method ?? "POST", url);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => e.lengthComputable && opts.onProgress?.(e.loaded / e.total);
      xhr.onerror = () => reject(new ChatKitHTTPError(0, "Network error during upload"));
      xhr.onabort = () => reject(new DOMException("Upload aborted", "AbortError"));
      xhr.onload = () => {
        if (xhr.status < 200 || xhr.status >= 300) {
          void errorFrom(new Response(xhr.responseText, { status: xhr.status })).then(reject);
          return;
        }
        opts.onProgress?.(1);
        try {
          resolve(xhr.responseText ? JSON.parse(xhr.responseText) : null);
        } catch {
          resolve(null);
        }
      };
      opts.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  }

  /** Direct strategy: POST to `uploadUrl`, which answers with the Attachment. */
  uploadDirect(
    uploadUrl: string,
    file: File,
    onProgress: UploadProgress,
    signal: AbortSignal,
    viaFetch?: typeof fetch,
  ): Promise<Attachment> {
    return this.upload(uploadUrl, file, { onProgress, signal, viaFetch }) as Promise<Attachment>;
  }

  /** Two-phase strategy: `attachments.create`, then send the bytes to its upload descriptor. */
  async uploadTwoPhase(file: File, onProgress: UploadProgress, signal: AbortSignal): Promise<Attachment> {
    const created = await this.json(
      "attachments.create",
      { name: file.name, size: file.size, mime_type: file.type || "application/octet-stream" },
      signal,
    );
    const d = created.upload_descriptor;
    if (d) await this.upload(d.url, file, { method: d.method, headers: d.headers ?? {}, onProgress, signal });
    else onProgress(1);
    return { ...created, upload_descriptor: null };
  }
}
