// <openai-chatkit>: the custom element. It owns an open shadow root with the Preact UI,
// forwards the 9 public methods (plus the sendAction alias) to the controller, and
// dispatches the 13 chatkit.* events on itself.
import { effect } from "@preact/signals";
import { h, render } from "preact";
import type { ChatKitEventMap, ChatKitEventName } from "./events";
import type { ChatKitOptions, SendUserMessageParams, SetComposerValueParams } from "./options";
import { ChatController } from "./state/controller";
import { App } from "./ui/App";
import { installFonts } from "./ui/theme";

const HOSTED_BASE = new URL(import.meta.url).origin;

const HOST_STYLE = ":host{display:block;position:relative;overflow:hidden;height:100%;min-height:360px}";

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface only types addEventListener for chatkit.* events
export class OpenAIChatKit extends HTMLElement {
  readonly #controller: ChatController;
  readonly #root: ShadowRoot;
  #disposeFonts: (() => void) | null = null;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#controller = new ChatController(
      (name: ChatKitEventName, ...detail: unknown[]) =>
        this.dispatchEvent(new CustomEvent(name, { detail: detail[0], bubbles: true, composed: true })),
      HOSTED_BASE,
    );
  }

  connectedCallback(): void {
    const style = document.createElement("style");
    style.textContent = HOST_STYLE;
    if (!this.#root.firstChild) this.#root.appendChild(style);
    const mount = document.createElement("div");
    mount.className = "ck-mount";
    this.#root.appendChild(mount);
    render(h(App, { controller: this.#controller }), mount);
    this.#disposeFonts = effect(() => installFonts(this.#controller.options.value.theme.typography?.fontSources));
  }

  disconnectedCallback(): void {
    this.#disposeFonts?.();
    for (const mount of this.#root.querySelectorAll(".ck-mount")) {
      render(null, mount);
      mount.remove();
    }
    this.#controller.stop();
  }

  setOptions(options: ChatKitOptions): void {
    this.#controller.setOptions(options);
  }

  focusComposer(): Promise<void> {
    return this.#controller.focusComposer();
  }

  setThreadId(threadId: string | null): Promise<void> {
    return this.#controller.setThreadId(threadId);
  }

  sendUserMessage(params: SendUserMessageParams): Promise<void> {
    return this.#controller.sendUserMessage(params);
  }

  setComposerValue(params: SetComposerValueParams): Promise<void> {
    return this.#controller.setComposerValue(params);
  }

  sendCustomAction(action: { type: string; payload?: Record<string, unknown> }, itemId?: string): Promise<void> {
    return this.#controller.sendCustomAction(action, itemId);
  }

  /** The name the platform docs use for sendCustomAction. */
  sendAction(action: { type: string; payload?: Record<string, unknown> }, itemId?: string): Promise<void> {
    return this.sendCustomAction(action, itemId);
  }

  showHistory(): Promise<void> {
    return this.#controller.showHistory();
  }

  hideHistory(): Promise<void> {
    return this.#controller.hideHistory();
  }

  fetchUpdates(): Promise<void> {
    return this.#controller.fetchUpdates();
  }
}

export interface OpenAIChatKit {
  addEventListener<K extends ChatKitEventName>(
    type: K,
    listener: (ev: CustomEvent<ChatKitEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends ChatKitEventName>(
    type: K,
    listener: (ev: CustomEvent<ChatKitEventMap[K]>) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
