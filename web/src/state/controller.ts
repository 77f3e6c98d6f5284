// The element's brain: owns the options, the current thread state and the composer,
// runs requests through the transport, and reports to the host page through events.
// The UI reads its signals and calls its methods; nothing else talks to the server.
import { batch, computed, signal } from "@preact/signals";
import type { Emit } from "../events";
import { markdownToText } from "../markdown/incremental";
import { loadStrings, resolveLocale, stringsFor } from "../i18n";
import {
  normalizeOptions,
  type ResolvedOptions,
  type SendUserMessageParams,
  type SetComposerValueParams,
} from "../options";
import { ChatKitHTTPError, customEndpoint, type EndpointSource, hostedEndpoint, Transport } from "../protocol/transport";
import { attachRequest } from "../protocol/resume";
import type {
  Attachment,
  ClientToolCallItem,
  InferenceOptions,
  StreamEvent,
  StreamingRequest,
  StructuredInputItem,
  ThreadItem,
  UserMessageContent,
  UserMessageInput,
  UserMessageItem,
  WidgetItem,
} from "../protocol/types";
import type { ActionConfig } from "../widgets/types";
import { ComposerModel, localId } from "./composer";
import { HistoryModel } from "./history";
import { Uploads } from "./uploads";
import { type ChatState, emptyChat, fromThread, PENDING_PREFIX, reduce } from "./reducer";

const NEWEST_PAGE = 50;
/** Event-processing budget per frame while streaming (rendering gets the rest). */
const EVENTS_MS_PER_FRAME = 2;

/** Resolves after the next frame has rendered (or 100 ms, for hidden tabs without frames). */
const afterNextFrame = (): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => void setTimeout(resolve, 0);
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => (clearTimeout(timer), done()));
  });

export class BusyError extends Error {
  constructor() {
    super("ChatKit is busy: a response is streaming or a thread is loading");
    this.name = "BusyError";
  }
}

type Turn = { request: StreamingRequest; optimistic?: UserMessageItem };

const errorOf = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === "AbortError";

export class ChatController {
  readonly options = signal<ResolvedOptions>(normalizeOptions({}));
  /** Bumped when a locale's string table finishes loading. */
  private readonly tablesLoaded = signal(0);
  readonly locale = computed(() => {
    void this.tablesLoaded.value;
    const locale = resolveLocale(this.options.value.locale);
    return { ...locale, strings: stringsFor(locale.table) };
  });
  readonly chat = signal<ChatState>(emptyChat());
  readonly view = signal<"chat" | "history">("chat");
  readonly streaming = signal(false);
  readonly loadingThread = signal(false);
  /** Feedback already given, by the id of the turn's last item. */
  readonly feedback = signal<Record<string, "positive" | "negative">>({});
  /** Transient messages (upload failures and the like). */
  readonly toast = signal<string | null>(null);
  /** Polite announcement for screen readers (start and end of a reply). */
  readonly announcement = signal("");
  readonly composer = new ComposerModel();
  readonly history: HistoryModel;
  readonly uploads: Uploads;
  /** The composer registers its focus function here. */
  focusComposerHook: (() => void) | null = null;

  private transport: Transport | null = null;
  private hosted: EndpointSource | null = null;
  /** The base URL the hosted endpoint was made for (`api.baseUrl` or the script's origin). */
  private hostedFor = "";
  private configured = false;
  private abort: AbortController | null = null;
  private working: ChatState = this.chat.value;
  private flushScheduled = false;
  /** The last turn that failed before the server stored its user message (for Retry). */
  private unsentTurn: Turn | null = null;

  constructor(
    private readonly emit: Emit,
    private readonly hostedBase: string,
  ) {
    this.history = new HistoryModel(() => this.transport, (e) => this.reportError(e));
    this.uploads = new Uploads({
      composer: this.composer,
      options: () => this.options.value,
      transport: () => this.transport,
      strings: () => this.locale.value.strings,
      toast: (message) => (this.toast.value = message),
      reportError: (e) => this.reportError(e),
    });
  }

  readonly busy = computed(() => this.streaming.value || this.loadingThread.value);
  // Narrow views of the chat state: components that need only these do not re-render on
  // every streamed delta.
  readonly thread = computed(() => this.chat.value.thread);
  readonly allowCancel = computed(() => this.chat.value.allowCancel);
  readonly isEmpty = computed(() => this.chat.value.thread === null && this.chat.value.items.length === 0 && !this.chat.value.error);
  readonly hasItems = computed(() => this.chat.value.items.length > 0);
  readonly pendingInput = computed(() => {
    const items = this.chat.value.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.type === "structured_input" && item.status === "pending") return item;
    }
    return null;
  });

  get threadId(): string | null {
    return this.chat.value.thread?.id ?? null;
  }

  // --- options -------------------------------------------------------------------------

  setOptions(raw: unknown): void {
    const next = normalizeOptions(raw);
    const prevTools = this.options.value.composer.tools;
    this.options.value = next;
    this.configureTransport(next.api);
    const table = resolveLocale(next.locale).table;
    if (stringsFor(table) !== this.locale.peek().strings || table !== "en") {
      void loadStrings(table).then(() => this.tablesLoaded.value++, (e: unknown) => this.reportError(e));
    }
    if (prevTools !== next.composer.tools && this.composer.toolId.value && !next.composer.tools.some((t) => t.id === this.composer.toolId.value)) {
      this.selectTool(null);
    }
    const models = next.composer.models;
    if (models.length && !models.some((m) => m.id === this.composer.modelId.value)) {
      this.composer.modelId.value = (models.find((m) => m.default && !m.disabled) ?? models.find((m) => !m.disabled))?.id ?? null;
    }
    if (!this.configured) {
      this.configured = true;
      if (next.initialThread) void this.setThreadId(next.initialThread).catch(() => {});
      // React's bindings call setOptions (in a layout effect) before adding listeners
      // (in a passive effect, flushed before the next frame): announce readiness after
      // the next frame, never synchronously, so onReady is heard.
      void afterNextFrame().then(() => this.emit("chatkit.ready"));
    }
  }

  /**
   * Custom mode: a fresh transport per setOptions (it holds no state, and the page may
   * have swapped `api.fetch`). Hosted mode keeps its secret cache and always asks the
   * latest `getClientSecret`; the first secret is requested right away.
   */
  private configureTransport(api: ResolvedOptions["api"]): void {
    const locale = (): string => this.locale.value.tag;
    if (!api) return;
    if (api.kind === "custom") {
      this.hosted = null;
      this.transport = new Transport(customEndpoint(api.url, api.fetch), locale);
    } else if (!this.hosted || this.hostedFor !== (api.baseUrl ?? this.hostedBase)) {
      const latest = (current: string | null): Promise<string> => {
        const now = this.options.value.api;
        return now?.kind === "hosted" ? now.getClientSecret(current) : Promise.reject(new Error("not in hosted mode"));
      };
      this.hostedFor = api.baseUrl ?? this.hostedBase;
      this.hosted = hostedEndpoint(this.hostedFor, latest);
      this.transport = new Transport(this.hosted, locale);
      void this.hosted.resolve().catch((e: unknown) => this.reportError(e));
    }
  }

  // --- public methods (the element forwards to these) ------------------------------------

  async setThreadId(threadId: string | null): Promise<void> {
    if (this.busy.value) throw new BusyError();
    if (this.view.value === "history") this.setView("chat");
    if (threadId === null) {
      this.resetThread();
      return;
    }
    await this.loadThread(threadId);
  }

  async sendUserMessage(p: SendUserMessageParams): Promise<void> {
    if (this.busy.value) throw new BusyError();
    if (p.newThread) this.resetThread();
    const content: UserMessageContent[] = p.content?.length ? p.content : [{ type: "input_text", text: p.text ?? "" }];
    const inference: InferenceOptions = {};
    if (p.toolChoice) inference.tool_choice = p.toolChoice;
    if (p.model) inference.model = p.model;
    await this.send({ content, attachments: p.attachments ?? [], quoted: p.reply, inference });
  }

  async setComposerValue(p: SetComposerValueParams): Promise<void> {
    const c = this.composer;
    batch(() => {
      if (p.content) c.setDraft(p.content);
      else if (p.text !== undefined) c.setDraft([{ type: "input_text", text: p.text }]);
      if (p.reply !== undefined) c.quote.value = p.reply || null;
      if (p.selectedToolId !== undefined) this.selectTool(p.selectedToolId);
      if (p.selectedModelId !== undefined) c.modelId.value = p.selectedModelId;
      if (p.attachments) {
        c.uploads.value = p.attachments.map((a) => ({
          localId: localId(),
          name: a.name,
          mime: a.mime_type,
          progress: 1,
          status: "done" as const,
          attachment: a,
          previewUrl: a.type === "image" ? a.preview_url : undefined,
        }));
      }
    });
    if (p.files?.length) await this.uploads.add(p.files);
  }

  async sendCustomAction(action: { type: string; payload?: unknown }, itemId?: string | null): Promise<void> {
    const threadId = this.threadId;
    if (!threadId) {
      this.emit("chatkit.log", { name: "ChatKit: sendAction() ignored - no active thread." });
      return;
    }
    if (this.busy.value) throw new BusyError();
    await this.runTurns({
      request: { type: "threads.custom_action", params: { thread_id: threadId, item_id: itemId ?? null, action: { type: action.type, payload: action.payload } } },
    });
  }

  async showHistory(): Promise<void> {
    if (!this.options.value.history.enabled || this.view.value === "history") return;
    this.setView("history");
    await this.history.refresh();
  }

  async hideHistory(): Promise<void> {
    if (this.view.value === "history") this.setView("chat");
  }

  /** Re-reads the current thread from the server (after out-of-band changes). */
  async fetchUpdates(): Promise<void> {
    if (this.busy.value) throw new BusyError();
    if (this.threadId) await this.loadThread(this.threadId, false);
  }

  async focusComposer(): Promise<void> {
    this.focusComposerHook?.();
  }

  // --- composer actions --------------------------------------------------------------

  selectTool(toolId: string | null): void {
    if (this.composer.toolId.value === toolId) return;
    this.composer.toolId.value = toolId;
    this.emit("chatkit.tool.change", { toolId });
  }

  /** Sends the composer's draft. */
  async submitComposer(): Promise<void> {
    const c = this.composer;
    if (this.busy.value || c.uploading.value || c.isEmpty.value) return;
    const toolId = c.toolId.value;
    const inference: InferenceOptions = {};
    if (toolId) inference.tool_choice = { id: toolId };
    if (c.modelId.value) inference.model = c.modelId.value;
    const draft = { content: c.content(), attachments: c.attachments(), quoted: c.quote.value ?? undefined, inference };
    const tool = this.options.value.composer.tools.find((t) => t.id === toolId);
    c.reset(!!tool?.persistent);
    if (toolId && !tool?.persistent) this.emit("chatkit.tool.change", { toolId: null });
    await this.send(draft);
  }

  async transcribe(audio: Blob): Promise<string> {
    if (!this.transport) return "";
    const bytes = new Uint8Array(await audio.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const res = await this.transport.json("input.transcribe", { audio_base64: btoa(binary), mime_type: audio.type || "audio/webm" });
    return res.text ?? "";
  }

  // --- turns ---------------------------------------------------------------------------

  private async send(d: { content: UserMessageContent[]; attachments: Attachment[]; quoted?: string; inference: InferenceOptions }): Promise<void> {
    const input: UserMessageInput = {
      content: d.content,
      attachments: d.attachments.map((a) => a.id),
      inference_options: d.inference,
      ...(d.quoted ? { quoted_text: d.quoted } : {}),
    };
    const threadId = this.threadId;
    const optimistic: UserMessageItem = {
      id: `${PENDING_PREFIX}${localId()}`,
      thread_id: threadId ?? "",
      created_at: new Date().toISOString(),
      type: "user_message",
      content: d.content,
      attachments: d.attachments,
      quoted_text: d.quoted ?? null,
      inference_options: d.inference,
    };
    const request: StreamingRequest = threadId
      ? { type: "threads.add_user_message", params: { thread_id: threadId, input } }
      : { type: "threads.create", params: { input } };
    await this.runTurns({ request, optimistic });
  }

  /** Stop: aborting the request is the cancel signal the server acts on. */
  stop(): void {
    this.abort?.abort();
  }

  /** Retry after an error event or a failed request. */
  async retryAfterError(): Promise<void> {
    if (this.busy.value) return;
    const unsent = this.unsentTurn;
    if (unsent) {
      this.patch({ items: this.working.items.filter((i) => i.id !== unsent.optimistic?.id) });
      await this.runTurns(unsent);
      return;
    }
    const lastUser = [...this.chat.value.items].reverse().find((i): i is UserMessageItem => i.type === "user_message");
    if (lastUser) await this.retryFrom(lastUser.id);
  }

  /** Re-runs the response to a user message: later items go (the server deletes them too). */
  async retryFrom(userItemId: string): Promise<void> {
    const threadId = this.threadId;
    if (!threadId || this.busy.value) return;
    const at = this.chat.value.items.findIndex((i) => i.id === userItemId);
    if (at < 0) return;
    this.patch({ items: this.chat.value.items.slice(0, at + 1), error: null, notices: [] });
    await this.runTurns({ request: { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: userItemId } } });
  }

  async sendFeedback(itemIds: string[], kind: "positive" | "negative"): Promise<void> {
    const threadId = this.threadId;
    const key = itemIds[itemIds.length - 1];
    if (!threadId || !this.transport || !key) return;
    this.feedback.value = { ...this.feedback.value, [key]: kind };
    try {
      await this.transport.json("items.feedback", { thread_id: threadId, item_ids: itemIds, kind });
    } catch (e) {
      const { [key]: _, ...rest } = this.feedback.value;
      this.feedback.value = rest;
      this.reportError(e);
    }
  }

  async submitStructuredInput(item: StructuredInputItem, answers: Record<string, string[]>, skipped: boolean): Promise<void> {
    const threadId = this.threadId;
    if (!threadId || this.busy.value) return;
    const payload: Record<string, { values: string[]; skipped: boolean }> = {};
    for (const input of item.inputs) {
      const values = skipped ? [] : (answers[input.id] ?? []).filter((v) => v.trim());
      payload[input.id] = { values, skipped: skipped || !values.length };
    }
    await this.runTurns({
      request: {
        type: "threads.add_structured_input",
        params: { thread_id: threadId, item_id: item.id, input: { status: skipped ? "skipped" : "answered", answers: payload } },
      },
    });
  }

  /** Routes a widget action: client handler, synchronous server action, or a streamed one. */
  async widgetAction(action: ActionConfig, item: WidgetItem): Promise<void> {
    const wire = { type: action.type, payload: action.payload };
    if (action.handler === "client") {
      const onAction = this.options.value.widgets.onAction;
      const payload = action.payload && typeof action.payload === "object" ? (action.payload as Record<string, unknown>) : undefined;
      await onAction?.({ type: action.type, ...(payload ? { payload } : {}) }, { id: item.id, widget: item.widget });
      return;
    }
    const threadId = this.threadId;
    if (!threadId || !this.transport) return;
    if (action.streaming === false) {
      try {
        const res = await this.transport.json("threads.sync_custom_action", { thread_id: threadId, item_id: item.id, action: wire });
        if (res.updated_item) this.apply({ type: "thread.item.replaced", item: res.updated_item });
        this.flush();
      } catch (e) {
        this.reportError(e);
      }
      return;
    }
    if (this.busy.value) return;
    await this.runTurns({ request: { type: "threads.custom_action", params: { thread_id: threadId, item_id: item.id, action: wire } } });
  }

  /**
   * Runs a streamed turn, and keeps going while it ends in a pending client tool call:
   * the tool's output is itself a turn, and the composer stays locked until all are done.
   */
  private async runTurns(first: Turn): Promise<void> {
    if (!this.transport) throw new Error("ChatKit is not configured: call setOptions({api}) first");
    this.streaming.value = true;
    this.emit("chatkit.response.start");
    this.announcement.value = this.locale.value.strings.responding;
    this.unsentTurn = null;
    let turn: Turn | null = first;
    try {
      while (turn) {
        const toolCall = await this.stream(turn);
        turn = toolCall ? await this.clientToolTurn(toolCall) : null;
      }
    } finally {
      this.patch({ progress: null });
      this.flush();
      this.streaming.value = false;
      this.abort = null;
      this.announceLastReply();
      this.emit("chatkit.response.end");
    }
  }

  /** One request/stream; returns a pending client tool call the turn ended on, if any. */
  private async stream(turn: Turn): Promise<ClientToolCallItem | null> {
    const abort = new AbortController();
    this.abort = abort;
    const base = turn.optimistic ? [...this.working.items, turn.optimistic] : this.working.items;
    this.patch({ items: base, error: null, progress: null });
    this.flush();
    let toolCall: ClientToolCallItem | null = null;
    let userSaved = !turn.optimistic;
    try {
      let slice = performance.now();
      // A resumable server's dropped connection is being resumed: say so, unobtrusively.
      const onReconnecting = (on: boolean) => {
        this.patch({ progress: on ? { text: this.locale.value.strings.reconnecting } : null });
        this.flush();
      };
      for await (const event of this.transport!.stream(turn.request, abort.signal, { onReconnecting })) {
        // A burst of buffered events must not outrun rendering: after a few ms of events,
        // let the frame render them before taking more (frames stay short at any rate).
        if (performance.now() - slice > EVENTS_MS_PER_FRAME) {
          await afterNextFrame();
          slice = performance.now();
        }
        this.apply(event);
        switch (event.type) {
          case "thread.created":
            this.flush();
            this.emit("chatkit.thread.change", { threadId: event.thread.id });
            break;
          case "thread.item.done":
          case "thread.item.added":
            if (event.item.type === "user_message") userSaved = true;
            if (event.item.type === "client_tool_call" && event.item.status === "pending") toolCall = event.item;
            break;
          case "client_effect":
            this.emit("chatkit.effect", { name: event.name, ...(event.data ? { data: event.data } : {}) });
            break;
          case "error":
            this.emit("chatkit.error", { error: new Error(event.message ?? event.code ?? "stream.error") });
            break;
        }
      }
      return toolCall;
    } catch (e) {
      if (abort.signal.aborted) return null; // Stop: what streamed so far stays on screen
      const network = !(e instanceof ChatKitHTTPError) || e.status === 0;
      if (!userSaved) this.unsentTurn = turn;
      this.apply({
        type: "error",
        code: network ? "network" : "http",
        message: e instanceof ChatKitHTTPError && e.status !== 0 ? e.message : this.locale.value.strings.errorNetwork,
        allow_retry: true,
      });
      this.reportError(e);
      return null;
    }
  }

  private async clientToolTurn(call: ClientToolCallItem): Promise<Turn | null> {
    const threadId = this.threadId;
    if (!threadId) return null;
    let result: unknown;
    try {
      const handler = this.options.value.onClientTool;
      if (!handler) throw new Error(`No onClientTool handler for ${call.name}`);
      result = await handler({ name: call.name, params: call.arguments ?? {} });
    } catch (e) {
      result = { error: errorOf(e).message };
      this.reportError(e);
    }
    return { request: { type: "threads.add_client_tool_output", params: { thread_id: threadId, result: result ?? {} } } };
  }

  // --- threads -------------------------------------------------------------------------

  private resetThread(): void {
    const had = this.threadId;
    this.abort?.abort();
    this.working = emptyChat();
    this.chat.value = this.working;
    this.unsentTurn = null;
    if (had !== null) this.emit("chatkit.thread.change", { threadId: null });
  }

  private async loadThread(threadId: string, announce = true): Promise<void> {
    const t = this.transport;
    if (!t) throw new Error("ChatKit is not configured: call setOptions({api}) first");
    this.loadingThread.value = true;
    this.emit("chatkit.thread.load.start", { threadId });
    try {
      const thread = await t.json("threads.get_by_id", { thread_id: threadId });
      let state: ChatState;
      if (thread.items?.has_more) {
        // get_by_id returns the oldest page; a chat opens at its newest items.
        const page = await t.json("items.list", { thread_id: threadId, order: "desc", limit: NEWEST_PAGE });
        state = fromThread(thread, { items: page.data.slice().reverse(), olderCursor: page.has_more ? (page.after ?? null) : null });
      } else state = fromThread(thread);
      this.working = state;
      this.chat.value = state;
      this.unsentTurn = null;
      if (announce) this.emit("chatkit.thread.change", { threadId });
      const attach = attachRequest(thread);
      if (attach && !this.streaming.value) void this.runTurns({ request: attach });
    } catch (e) {
      this.reportError(e);
      this.patch({ error: { code: "load", message: errorOf(e).message, allowRetry: false, afterItemId: null } });
      this.flush();
      throw e;
    } finally {
      this.loadingThread.value = false;
      this.emit("chatkit.thread.load.end", { threadId });
    }
  }

  /** Loads the page of items before the oldest one shown. */
  async loadOlder(): Promise<void> {
    const { thread, olderCursor } = this.chat.value;
    if (!thread || !olderCursor || !this.transport || this.loadingThread.value) return;
    this.loadingThread.value = true;
    try {
      const page = await this.transport.json("items.list", { thread_id: thread.id, order: "desc", limit: NEWEST_PAGE, after: olderCursor });
      if (this.threadId !== thread.id) return;
      const known = new Set(this.working.items.map((i) => i.id));
      const older = page.data.filter((i) => !known.has(i.id)).reverse();
      this.patch({ items: [...older, ...this.working.items], olderCursor: page.has_more ? (page.after ?? null) : null });
      this.flush();
    } catch (e) {
      this.reportError(e);
    } finally {
      this.loadingThread.value = false;
    }
  }

  async openThreadFromHistory(threadId: string): Promise<void> {
    this.setView("chat");
    if (threadId !== this.threadId) await this.setThreadId(threadId).catch(() => {});
  }

  async renameThread(threadId: string, title: string): Promise<void> {
    try {
      await this.history.rename(threadId, title);
      if (this.threadId === threadId && this.chat.value.thread) this.patch({ thread: { ...this.chat.value.thread, title } });
      this.flush();
    } catch (e) {
      this.reportError(e);
    }
  }

  async deleteThread(threadId: string): Promise<void> {
    try {
      await this.history.remove(threadId);
      if (this.threadId === threadId) this.resetThread();
    } catch (e) {
      this.reportError(e);
    }
  }

  newThread(): void {
    if (this.streaming.value) this.stop();
    this.setView("chat");
    this.resetThread();
    this.composer.reset(true);
    this.focusComposerHook?.();
  }

  // --- internals -----------------------------------------------------------------------

  private setView(view: "chat" | "history"): void {
    if (this.view.value === view) return;
    this.view.value = view;
    this.emit(view === "history" ? "chatkit.history.open" : "chatkit.history.close");
  }

  private apply(event: StreamEvent): void {
    this.working = reduce(this.working, event);
    this.scheduleFlush();
  }

  private patch(p: Partial<ChatState>): void {
    this.working = { ...this.working, ...p };
    this.scheduleFlush();
  }

  /** Publishes the working state at most once per frame (a timer covers hidden tabs). */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const run = (): void => this.flush();
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
    setTimeout(run, 100);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.chat.peek() !== this.working) this.chat.value = this.working;
  }

  private announceLastReply(): void {
    const items = this.chat.value.items;
    const last = items[items.length - 1];
    const text = last?.type === "assistant_message" ? last.content.map((c) => c.text).join("\n") : "";
    this.announcement.value = text ? markdownToText(text.slice(0, 2000)) : this.locale.value.strings.responseDone;
  }

  emitDeeplink(detail: { name: string; data?: Record<string, unknown> }): void {
    this.emit("chatkit.deeplink", detail);
  }

  reportError(e: unknown): void {
    if (isAbort(e)) return;
    this.emit("chatkit.error", { error: errorOf(e) });
  }

  /** Item ids of the assistant turn that ends at `lastItemId` (for copy and feedback). */
  turnItems(lastItemId: string): ThreadItem[] {
    const items = this.chat.peek().items;
    const end = items.findIndex((i) => i.id === lastItemId);
    let start = end;
    while (start > 0 && items[start - 1]!.type !== "user_message") start--;
    return items.slice(start, end + 1);
  }
}
