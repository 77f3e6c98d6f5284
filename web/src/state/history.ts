// The history view's model: a paged `threads.list`, plus rename and delete.
import { signal } from "@preact/signals";
import type { Transport } from "../protocol/transport";
import type { ThreadMetadata } from "../protocol/types";

const PAGE = 30;

export class HistoryModel {
  readonly threads = signal<ThreadMetadata[]>([]);
  readonly loading = signal(false);
  readonly hasMore = signal(false);
  readonly error = signal<string | null>(null);
  private cursor: string | null = null;

  constructor(
    private readonly transport: () => Transport | null,
    private readonly onError: (e: unknown) => void,
  ) {}

  async refresh(): Promise<void> {
    this.cursor = null;
    this.threads.value = [];
    await this.more();
  }

  async more(): Promise<void> {
    const t = this.transport();
    if (!t || this.loading.value) return;
    this.loading.value = true;
    this.error.value = null;
    try {
      const page = await t.json("threads.list", { limit: PAGE, order: "desc", ...(this.cursor ? { after: this.cursor } : {}) });
      const known = new Set(this.threads.value.map((x) => x.id));
      this.threads.value = [...this.threads.value, ...page.data.filter((x) => !known.has(x.id))];
      this.cursor = page.has_more ? (page.after ?? page.data[page.data.length - 1]?.id ?? null) : null;
      this.hasMore.value = this.cursor !== null;
    } catch (e) {
      this.error.value = e instanceof Error ? e.message : String(e);
      this.onError(e);
    } finally {
      this.loading.value = false;
    }
  }

  async rename(id: string, title: string): Promise<ThreadMetadata | null> {
    const t = this.transport();
    if (!t) return null;
    const updated = await t.json("threads.update", { thread_id: id, title });
    this.threads.value = this.threads.value.map((x) => (x.id === id ? { ...x, title: updated.title ?? title } : x));
    return updated;
  }

  async remove(id: string): Promise<void> {
    const t = this.transport();
    if (!t) return;
    await t.json("threads.delete", { thread_id: id });
    this.threads.value = this.threads.value.filter((x) => x.id !== id);
  }
}
