// The composer draft: text with @-mention tags, attachments with their uploads, the
// selected tool and model, and an optional quoted reply.
import { batch, computed, signal } from "@preact/signals";
import type { Entity } from "../options";
import type { Attachment, InputTagContent, UserMessageContent, UserMessageContentInput } from "../protocol/types";

export type Upload = {
  localId: string;
  name: string;
  mime: string;
  progress: number;
  status: "uploading" | "done" | "error";
  attachment?: Attachment;
  /** An object URL for local image previews until the server's preview_url is known. */
  previewUrl?: string;
  abort?: AbortController;
};

let seq = 0;
export const localId = (): string => `local_${++seq}`;

/** A tag is written into the text as `@Title`; sending turns each such span into an input_tag. */
export const tagText = (tag: { text: string }): string => `@${tag.text}`;

export function entityToTag(entity: Entity): InputTagContent {
  return {
    type: "input_tag",
    id: entity.id,
    text: entity.title,
    data: { ...(entity.data ?? {}) },
    ...(entity.group ? { group: entity.group } : {}),
    interactive: entity.interactive ?? false,
  };
}

/** Page-supplied content in wire form: every tag gets the `data` the server requires. */
export const toWireContent = (content: UserMessageContentInput[]): UserMessageContent[] =>
  content.map((part) => (part.type === "input_tag" ? { ...part, data: part.data ?? {} } : part));

/** Splits draft text into input_text / input_tag parts at each tag's `@Title` span. */
export function draftToContent(text: string, tags: InputTagContent[]): UserMessageContent[] {
  const parts: UserMessageContent[] = [];
  let rest = text;
  for (;;) {
    let best: { at: number; tag: InputTagContent } | null = null;
    for (const tag of tags) {
      const at = rest.indexOf(tagText(tag));
      if (at >= 0 && (!best || at < best.at)) best = { at, tag };
    }
    if (!best) break;
    if (best.at > 0) parts.push({ type: "input_text", text: rest.slice(0, best.at) });
    parts.push(best.tag);
    rest = rest.slice(best.at + tagText(best.tag).length);
  }
  if (rest || !parts.length) parts.push({ type: "input_text", text: rest });
  return parts.filter((p) => p.type === "input_tag" || p.text !== "" || parts.length === 1);
}

/** The inverse: rich content back into draft text and its tags. */
export function contentToDraft(content: UserMessageContentInput[]): { text: string; tags: InputTagContent[] } {
  const tags: InputTagContent[] = [];
  let text = "";
  for (const part of toWireContent(content)) {
    if (part.type === "input_tag") {
      tags.push(part);
      text += tagText(part);
    } else text += part.text;
  }
  return { text, tags };
}

export class ComposerModel {
  readonly text = signal("");
  readonly tags = signal<InputTagContent[]>([]);
  readonly uploads = signal<Upload[]>([]);
  readonly toolId = signal<string | null>(null);
  readonly modelId = signal<string | null>(null);
  readonly quote = signal<string | null>(null);

  readonly uploading = computed(() => this.uploads.value.some((u) => u.status === "uploading"));
  readonly isEmpty = computed(() => !this.text.value.trim() && !this.uploads.value.some((u) => u.status === "done"));

  content(): UserMessageContent[] {
    return draftToContent(this.text.value, this.tags.value);
  }

  setDraft(content: UserMessageContentInput[]): void {
    const d = contentToDraft(content);
    batch(() => {
      this.text.value = d.text;
      this.tags.value = d.tags;
    });
  }

  addTag(tag: InputTagContent): void {
    if (!this.tags.value.some((t) => t.id === tag.id)) this.tags.value = [...this.tags.value, tag];
  }

  patchUpload(id: string, patch: Partial<Upload>): void {
    this.uploads.value = this.uploads.value.map((u) => (u.localId === id ? { ...u, ...patch } : u));
  }

  removeUpload(id: string): void {
    const u = this.uploads.value.find((x) => x.localId === id);
    u?.abort?.abort();
    if (u?.previewUrl?.startsWith("blob:")) URL.revokeObjectURL(u.previewUrl);
    this.uploads.value = this.uploads.value.filter((x) => x.localId !== id);
  }

  attachments(): Attachment[] {
    return this.uploads.value.flatMap((u) => (u.status === "done" && u.attachment ? [u.attachment] : []));
  }

  /** Clears the draft after sending; a persistent tool stays selected. */
  reset(keepTool: boolean): void {
    batch(() => {
      this.text.value = "";
      this.tags.value = [];
      for (const u of this.uploads.value) if (u.previewUrl?.startsWith("blob:")) URL.revokeObjectURL(u.previewUrl);
      this.uploads.value = [];
      this.quote.value = null;
      if (!keepTool) this.toolId.value = null;
    });
  }
}
