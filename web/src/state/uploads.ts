// Attachments in the composer: limits (count, type, size), then the upload through the
// configured strategy with progress, and removal.
import { format, type Strings } from "../i18n";
import { isAccepted, maxSizeFor, type ResolvedOptions } from "../options";
import type { Transport } from "../protocol/transport";
import type { Attachment } from "../protocol/types";
import { type ComposerModel, localId } from "./composer";

export type UploadDeps = {
  composer: ComposerModel;
  options: () => ResolvedOptions;
  transport: () => Transport | null;
  strings: () => Strings;
  /** Shows a transient message to the user. */
  toast: (message: string) => void;
  reportError: (e: unknown) => void;
};

const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === "AbortError";

export class Uploads {
  constructor(private readonly deps: UploadDeps) {}

  /** Checks each file against the limits and uploads the ones that pass, in parallel. */
  async add(files: Iterable<File>): Promise<void> {
    const { composer, options, strings, toast } = this.deps;
    const limits = options().composer.attachments;
    if (!limits.enabled) return;
    const t = strings();
    const jobs: Promise<void>[] = [];
    for (const file of files) {
      if (composer.uploads.value.length >= limits.maxCount) {
        toast(format(t, "tooManyFiles", { n: limits.maxCount }));
        break;
      }
      if (!isAccepted(limits.accept, file)) toast(format(t, "fileNotAccepted", { name: file.name }));
      else if (file.size > maxSizeFor(limits.maxSize, file.type)) toast(format(t, "fileTooLarge", { name: file.name }));
      else jobs.push(this.upload(file));
    }
    await Promise.all(jobs);
  }

  async remove(id: string): Promise<void> {
    const { composer, transport } = this.deps;
    const upload = composer.uploads.value.find((x) => x.localId === id);
    composer.removeUpload(id);
    const t = transport();
    if (upload?.attachment && t) await t.json("attachments.delete", { attachment_id: upload.attachment.id }).catch(() => {});
  }

  private async upload(file: File): Promise<void> {
    const { composer, options, transport, strings, toast, reportError } = this.deps;
    const id = localId();
    const abort = new AbortController();
    const previewUrl = file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined;
    composer.uploads.value = [
      ...composer.uploads.value,
      { localId: id, name: file.name, mime: file.type, progress: 0, status: "uploading", abort, previewUrl },
    ];
    const onProgress = (progress: number): void => composer.patchUpload(id, { progress });
    try {
      const api = options().api;
      const t = transport();
      if (!t || !api) throw new Error("ChatKit is not configured");
      let attachment: Attachment;
      if (api.kind === "custom" && api.uploadStrategy?.type === "direct") {
        attachment = await t.uploadDirect(api.uploadStrategy.uploadUrl, file, onProgress, abort.signal, api.fetch);
      } else {
        attachment = await t.uploadTwoPhase(file, onProgress, abort.signal);
      }
      composer.patchUpload(id, { status: "done", progress: 1, attachment, abort: undefined });
    } catch (e) {
      if (isAbort(e)) return;
      composer.patchUpload(id, { status: "error", abort: undefined });
      toast(format(strings(), "errorUpload", { name: file.name }));
      reportError(e);
    }
  }
}
