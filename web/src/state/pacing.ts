// Frame pacing: stream events change a working copy of the chat state at any rate; the
// UI's signal gets it at most once per frame (a timer covers hidden tabs without frames).
import { signal } from "@preact/signals";
import type { StreamEvent } from "../protocol/types";
import { type ChatState, emptyChat, reduce } from "./reducer";

/** Resolves after the next frame has rendered (or 100 ms, for hidden tabs without frames). */
export const afterNextFrame = (): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => void setTimeout(resolve, 0);
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === "function")
      requestAnimationFrame(() => {
        clearTimeout(timer);
        done();
      });
  });

export class PacedChat {
  /** What the UI renders. */
  readonly published = signal<ChatState>(emptyChat());
  private working: ChatState = this.published.value;
  private scheduled = false;

  /** The latest state, ahead of what is published. */
  get current(): ChatState {
    return this.working;
  }

  apply(event: StreamEvent): void {
    this.working = reduce(this.working, event);
    this.schedule();
  }

  patch(p: Partial<ChatState>): void {
    this.working = { ...this.working, ...p };
    this.schedule();
  }

  /** Replaces the state and publishes it now (a thread opened or reset). */
  replace(state: ChatState): void {
    this.working = state;
    this.published.value = state;
  }

  flush(): void {
    this.scheduled = false;
    if (this.published.peek() !== this.working) this.published.value = this.working;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => this.flush();
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
    setTimeout(run, 100);
  }
}
