// The element's brain: owns the options, the current thread and the composer, and is
// the one place the UI and the page call. Its parts: the turn runner (turns.ts), frame
// pacing of the chat state (pacing.ts), and the busy / not-configured policy every call
// follows (policy.ts, applied by `ready`).
import { batch, computed, signal } from "@preact/signals";
import type { Emit } from "../events";
import { loadStrings, resolveLocale, stringsFor } from "../i18n";
import { markdownToText } from "../markdown/incremental";
import { normalizeOptions, type ResolvedOptions, type SendUserMessageParams, type SetComposerValueParams } from "../options";
import { attachRequest } from "../protocol/resume";
import { customEndpoint, type EndpointSource, hostedEndpoint, Transport } from "../protocol/transport";
import type {
  Attachment,
  InferenceOptions,
  StreamingRequest,
  StructuredInputItem,
  ThreadItem,
  UserMessageContent,
  UserMessageInput,
  UserMessageItem,
  WidgetItem,
} from "../protocol/types";
import type { ActionConfig } from "../widgets/types";
import { ComposerModel, localId, toWireContent } from "./composer";
import { HistoryModel } from "./history";
import { afterNextFrame, PacedChat } from "./pacing";
import { BusyError, errorOf, isAbort, NotConfiguredError } from "./policy";
import { type ChatState, emptyChat, fromThread, PENDING_PREFIX } from "./reducer";
import { type Turn, TurnRunner } from "./turns";
import { Uploads } from "./uploads";

export { BusyError, NotConfiguredError } from "./policy";

const NEWEST_PAGE = 50;

export class ChatController {
  readonly options = signal<ResolvedOptions>(normalizeOptions({}));
  /** Bumped when a locale's string table finishes loading. */
  private readonly tablesLoaded = signal(0);
  readonly locale = computed(() => {
    void this.tablesLoaded.value;
    const locale = resolveLocale(this.options.value.locale);
    return { ...locale, strings: stringsFor(locale.table) };
  });
  private readonly paced = new PacedChat();
  readonly chat = this.paced.published;
  private readonly turns: TurnRunner;
  readonly streaming: TurnRunner["streaming"];
  readonly view = signal<"chat" | "history">("chat");
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

  constructor(
    private readonly emit: Emit,
    private readonly hostedBase: string,
  ) {
    this.turns = new TurnRunner({
      chat: this.paced,
      emit,
      options: () => this.options.value,
      threadId: () => this.threadId,
      networkErrorText: () => this.locale.value.strings.errorNetwork,
      reconnectingText: () => this.locale.value.strings.reconnecting,
      reportError: (e) => this.reportError(e),
    });
    this.streaming = this.turns.streaming;
    this.history = new HistoryModel(
      () => this.transport,
      (e) => this.reportError(e),
    );
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
  /** The thread's image policy (allowed_image_domains; null allows any http(s) host). */
  readonly imageHosts = computed(() => this.chat.value.thread?.allowed_image_domains ?? null);
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
      void loadStrings(table).then(
        () => this.tablesLoaded.value++,
        (e: unknown) => this.reportError(e),
      );
    }
    if (
      prevTools !== next.composer.tools &&
      this.composer.toolId.value &&
      !next.composer.tools.some((t) => t.id === this.composer.toolId.value)
    ) {
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

  // --- the policy ----------------------------------------------------------------------

  /**
   * The transport for a call, by the one policy (policy.ts): `"idle"` calls (they stream
   * a turn or load a thread) also need the element not busy.
   */
  private ready(need: "idle" | "configured"): Transport {
    if (need === "idle" && this.busy.value) throw new BusyError();
    if (!this.transport) throw new NotConfiguredError();
    return this.transport;
  }

  /** How the element's own controls call the methods below (see policy.ts). */
  fromUi(call: () => Promise<unknown>): Promise<void> {
    return call().then(
      () => {},
      (e: unknown) => {
        if (!(e instanceof BusyError)) this.reportError(e);
      },
    );
  }

  // --- public methods (the element forwards to these) ------------------------------------

  async setThreadId(threadId: string | null): Promise<void> {
    if (this.busy.value) throw new BusyError();
    if (this.view.value === "history") this.setView("chat");
    if (threadId === null) this.resetThread();
    else await this.loadThread(threadId);
  }

  async sendUserMessage(p: SendUserMessageParams): Promise<void> {
    this.ready("idle");
    if (p.newThread) this.resetThread();
    const content = p.content?.length ? toWireContent(p.content) : [{ type: "input_text" as const, text: p.text ?? "" }];
    const inference: InferenceOptions = {};
    if (p.toolChoice) inference.tool_choice = p.toolChoice;
    if (p.model) inference.model = p.model;
    await this.send({ content, attachments: p.attachments ?? [], quoted: p.reply, inference });
  }

  /** Fills the draft; allowed while busy (the draft is the user's, not a request). */
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
      // The official element's documented behaviour before the first message.
      this.emit("chatkit.log", { name: "ChatKit: sendAction() ignored - no active thread." });
      return;
    }
    await this.runTurns({
      request: {
        type: "threads.custom_action",
        params: { thread_id: threadId, item_id: itemId ?? null, action: { type: action.type, payload: action.payload } },
      },
    });
  }

  async showHistory(): Promise<void> {
    if (!this.options.value.history.enabled || this.view.value === "history") return;
    this.ready("configured");
    this.setView("history");
    await this.history.refresh();
  }

  async hideHistory(): Promise<void> {
    if (this.view.value === "history") this.setView("chat");
  }

  /** Re-reads the current thread from the server (after out-of-band changes). */
  async fetchUpdates(): Promise<void> {
    this.ready("idle");
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

  /** Sends the composer's draft (an empty or uploading draft has nothing to send yet). */
  async submitComposer(): Promise<void> {
    const c = this.composer;
    this.ready("idle");
    if (c.uploading.value || c.isEmpty.value) return;
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
    const transport = this.ready("configured");
    const bytes = new Uint8Array(await audio.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const res = await transport.json("input.transcribe", { audio_base64: btoa(binary), mime_type: audio.type || "audio/webm" });
    return res.text ?? "";
  }

  // --- turns ---------------------------------------------------------------------------

  private async send(d: {
    content: UserMessageContent[];
    attachments: Attachment[];
    quoted?: string | undefined;
    inference: InferenceOptions;
  }): Promise<void> {
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

  /** Every streamed turn starts here, so every one follows the policy. */
  private async runTurns(first: Turn): Promise<void> {
    const transport = this.ready("idle");
    this.announcement.value = this.locale.value.strings.responding;
    try {
      await this.turns.run(first, transport);
    } finally {
      this.announceLastReply();
    }
  }

  /** Stop: aborting the request is the cancel signal the server acts on. */
  stop(): void {
    this.turns.stop();
  }

  /** Retry after an error event or a failed request. */
  async retryAfterError(): Promise<void> {
    this.ready("idle");
    const unsent = this.turns.takeUnsent();
    if (unsent) {
      this.paced.patch({ items: this.paced.current.items.filter((i) => i.id !== unsent.optimistic?.id) });
      await this.runTurns(unsent);
      return;
    }
    const lastUser = [...this.chat.value.items].reverse().find((i): i is UserMessageItem => i.type === "user_message");
    if (lastUser) await this.retryFrom(lastUser.id);
  }

  /** Re-runs the response to a user message: later items go (the server deletes them too). */
  async retryFrom(userItemId: string): Promise<void> {
    this.ready("idle");
    const threadId = this.threadId;
    const at = this.chat.value.items.findIndex((i) => i.id === userItemId);
    if (!threadId || at < 0) return;
    this.paced.patch({ items: this.chat.value.items.slice(0, at + 1), error: null, notices: [] });
    await this.runTurns({ request: { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: userItemId } } });
  }

  async sendFeedback(itemIds: string[], kind: "positive" | "negative"): Promise<void> {
    const transport = this.ready("configured");
    const threadId = this.threadId;
    const key = itemIds[itemIds.length - 1];
    if (!threadId || !key) return;
    this.feedback.value = { ...this.feedback.value, [key]: kind };
    try {
      await transport.json("items.feedback", { thread_id: threadId, item_ids: itemIds, kind });
    } catch (e) {
      const { [key]: _, ...rest } = this.feedback.value;
      this.feedback.value = rest;
      throw e;
    }
  }

  async submitStructuredInput(item: StructuredInputItem, answers: Record<string, string[]>, skipped: boolean): Promise<void> {
    const threadId = this.threadId;
    if (!threadId) return;
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
    if (!threadId) return;
    if (action.streaming === false) {
      // Synchronous actions are plain requests: allowed while a reply streams.
      const res = await this.ready("configured").json("threads.sync_custom_action", {
        thread_id: threadId,
        item_id: item.id,
        action: wire,
      });
      if (res.updated_item) this.paced.apply({ type: "thread.item.replaced", item: res.updated_item });
      this.paced.flush();
      return;
    }
    await this.runTurns({ request: { type: "threads.custom_action", params: { thread_id: threadId, item_id: item.id, action: wire } } });
  }

  // --- threads -------------------------------------------------------------------------

  private resetThread(): void {
    const had = this.threadId;
    this.turns.stop();
    this.paced.replace(emptyChat());
    this.turns.forgetUnsent();
    if (had !== null) this.emit("chatkit.thread.change", { threadId: null });
  }

  private async loadThread(threadId: string, announce = true): Promise<void> {
    const t = this.ready("idle");
    this.loadingThread.value = true;
    this.emit("chatkit.thread.load.start", { threadId });
    let attach: StreamingRequest | null = null;
    try {
      const thread = await t.json("threads.get_by_id", { thread_id: threadId });
      let state: ChatState;
      if (thread.items?.has_more) {
        // get_by_id returns the oldest page; a chat opens at its newest items.
        const page = await t.json("items.list", { thread_id: threadId, order: "desc", limit: NEWEST_PAGE });
        state = fromThread(thread, { items: page.data.slice().reverse(), olderCursor: page.has_more ? (page.after ?? null) : null });
      } else state = fromThread(thread);
      this.paced.replace(state);
      this.turns.forgetUnsent();
      if (announce) this.emit("chatkit.thread.change", { threadId });
      // A reply still streaming on the server (a resumable one): follow it here too,
      // once the load is over (a turn may not start while a thread is loading).
      attach = attachRequest(thread);
    } catch (e) {
      this.reportError(e);
      this.paced.patch({ error: { code: "load", message: errorOf(e).message, allowRetry: false, afterItemId: null } });
      this.paced.flush();
      throw e;
    } finally {
      this.loadingThread.value = false;
      this.emit("chatkit.thread.load.end", { threadId });
    }
    if (attach && !this.streaming.value) void this.runTurns({ request: attach });
  }

  /**
   * Loads the page of items before the oldest one shown. It only adds items, so it may
   * run while a reply streams; not while a thread loads (BusyError).
   */
  async loadOlder(): Promise<void> {
    const { thread, olderCursor } = this.chat.value;
    if (!thread || !olderCursor) return;
    if (this.loadingThread.value) throw new BusyError();
    const t = this.ready("configured");
    this.loadingThread.value = true;
    try {
      const page = await t.json("items.list", { thread_id: thread.id, order: "desc", limit: NEWEST_PAGE, after: olderCursor });
      if (this.threadId !== thread.id) return;
      const known = new Set(this.paced.current.items.map((i) => i.id));
      const older = page.data.filter((i) => !known.has(i.id)).reverse();
      this.paced.patch({ items: [...older, ...this.paced.current.items], olderCursor: page.has_more ? (page.after ?? null) : null });
      this.paced.flush();
    } finally {
      this.loadingThread.value = false;
    }
  }

  async openThreadFromHistory(threadId: string): Promise<void> {
    this.setView("chat");
    // A failed load is already shown in the thread and reported.
    if (threadId !== this.threadId)
      await this.setThreadId(threadId).catch((e: unknown) => {
        if (e instanceof BusyError || e instanceof NotConfiguredError) throw e;
      });
  }

  async renameThread(threadId: string, title: string): Promise<void> {
    this.ready("configured");
    await this.history.rename(threadId, title);
    const thread = this.chat.value.thread;
    if (this.threadId === threadId && thread) this.paced.patch({ thread: { ...thread, title } });
    this.paced.flush();
  }

  async deleteThread(threadId: string): Promise<void> {
    this.ready("configured");
    await this.history.remove(threadId);
    if (this.threadId === threadId) this.resetThread();
  }

  /** The header's new-chat button: always allowed; a streaming reply is stopped. */
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
