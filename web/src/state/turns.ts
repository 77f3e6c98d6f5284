// The turn runner: one streamed request after another while a turn ends in a pending
// client tool call (the tool's output is itself a turn), with Stop, Retry of a turn the
// server never stored, and the events the page hears at the start and end.
import { signal } from "@preact/signals";
import type { Emit } from "../events";
import type { ResolvedOptions } from "../options";
import { ChatKitHTTPError, type Transport } from "../protocol/transport";
import type { ClientToolCallItem, StreamingRequest, UserMessageItem } from "../protocol/types";
import { afterNextFrame, type PacedChat } from "./pacing";
import { errorOf } from "./policy";

/** Event-processing budget per frame while streaming (rendering gets the rest). */
const EVENTS_MS_PER_FRAME = 2;

export type Turn = { request: StreamingRequest; optimistic?: UserMessageItem };

export type TurnHost = {
  chat: PacedChat;
  emit: Emit;
  options: () => ResolvedOptions;
  threadId: () => string | null;
  networkErrorText: () => string;
  reconnectingText: () => string;
  reportError: (e: unknown) => void;
};

export class TurnRunner {
  readonly streaming = signal(false);
  private abort: AbortController | null = null;
  /** The last turn that failed before the server stored its user message (for Retry). */
  private unsent: Turn | null = null;

  constructor(private readonly host: TurnHost) {}

  /** Runs `first` and the client tool turns it leads to, as one busy period. */
  async run(first: Turn, transport: Transport): Promise<void> {
    const { chat, emit } = this.host;
    this.streaming.value = true;
    emit("chatkit.response.start");
    this.unsent = null;
    let turn: Turn | null = first;
    try {
      while (turn) {
        const toolCall = await this.stream(turn, transport);
        turn = toolCall ? await this.clientToolTurn(toolCall) : null;
      }
    } finally {
      chat.patch({ progress: null });
      chat.flush();
      this.streaming.value = false;
      this.abort = null;
      emit("chatkit.response.end");
    }
  }

  /** Stop: aborting the request is the cancel signal the server acts on. */
  stop(): void {
    this.abort?.abort();
  }

  /** Takes the turn to resend after a failure before the server stored it, if any. */
  takeUnsent(): Turn | null {
    const turn = this.unsent;
    this.unsent = null;
    return turn;
  }

  forgetUnsent(): void {
    this.unsent = null;
  }

  /** One request/stream; returns a pending client tool call the turn ended on, if any. */
  private async stream(turn: Turn, transport: Transport): Promise<ClientToolCallItem | null> {
    const { chat, emit } = this.host;
    const abort = new AbortController();
    this.abort = abort;
    const base = turn.optimistic ? [...chat.current.items, turn.optimistic] : chat.current.items;
    chat.patch({ items: base, error: null, progress: null });
    chat.flush();
    let toolCall: ClientToolCallItem | null = null;
    let userSaved = !turn.optimistic;
    try {
      let slice = performance.now();
      // A resumable server's dropped connection is being resumed: say so, unobtrusively.
      const onReconnecting = (on: boolean) => {
        chat.patch({ progress: on ? { text: this.host.reconnectingText() } : null });
        chat.flush();
      };
      for await (const event of transport.stream(turn.request, abort.signal, { onReconnecting })) {
        // A burst of buffered events must not outrun rendering: after a few ms of events,
        // let the frame render them before taking more (frames stay short at any rate).
        if (performance.now() - slice > EVENTS_MS_PER_FRAME) {
          await afterNextFrame();
          slice = performance.now();
        }
        chat.apply(event);
        switch (event.type) {
          case "thread.created":
            chat.flush();
            emit("chatkit.thread.change", { threadId: event.thread.id });
            break;
          case "thread.item.done":
          case "thread.item.added":
            if (event.item.type === "user_message") userSaved = true;
            if (event.item.type === "client_tool_call" && event.item.status === "pending") toolCall = event.item;
            break;
          case "client_effect":
            emit("chatkit.effect", { name: event.name, ...(event.data ? { data: event.data } : {}) });
            break;
          case "error":
            emit("chatkit.error", { error: new Error(event.message ?? event.code ?? "stream.error") });
            break;
        }
      }
      return toolCall;
    } catch (e) {
      if (abort.signal.aborted) return null; // Stop: what streamed so far stays on screen
      const network = !(e instanceof ChatKitHTTPError) || e.status === 0;
      if (!userSaved) this.unsent = turn;
      chat.apply({
        type: "error",
        code: network ? "network" : "http",
        message: e instanceof ChatKitHTTPError && e.status !== 0 ? e.message : this.host.networkErrorText(),
        allow_retry: true,
      });
      this.host.reportError(e);
      return null;
    }
  }

  private async clientToolTurn(call: ClientToolCallItem): Promise<Turn | null> {
    const threadId = this.host.threadId();
    if (!threadId) return null;
    let result: unknown;
    try {
      const handler = this.host.options().onClientTool;
      if (!handler) throw new Error(`No onClientTool handler for ${call.name}`);
      result = await handler({ name: call.name, params: call.arguments ?? {} });
    } catch (e) {
      result = { error: errorOf(e).message };
      this.host.reportError(e);
    }
    return { request: { type: "threads.add_client_tool_output", params: { thread_id: threadId, result: result ?? {} } } };
  }
}
