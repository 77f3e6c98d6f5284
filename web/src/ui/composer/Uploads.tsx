// The composer's attachments while they upload: a chip each, progress, and remove.
import { useController, useStrings } from "../context";
import { Icon } from "../icons";
import { AttachmentChip } from "../items/UserMessage";

export function Uploads() {
  const c = useController();
  const t = useStrings();
  const uploads = c.composer.uploads.value;
  if (!uploads.length) return null;
  return (
    <ul class="ck-uploads">
      {uploads.map((u) => (
        <li key={u.localId} class={`ck-upload ck-upload-${u.status}`}>
          <AttachmentChip
            a={{
              name: u.name,
              mime_type: u.mime,
              type: u.previewUrl ? "image" : "file",
              preview_url: u.attachment?.preview_url ?? u.previewUrl,
            }}
          />
          {u.status === "uploading" && <progress class="ck-upload-progress" max={1} value={u.progress} aria-label={u.name} />}
          <button
            type="button"
            class="ck-upload-remove"
            aria-label={t.f("removeAttachment", { name: u.name })}
            onClick={() => void c.uploads.remove(u.localId)}
          >
            <Icon name="close" size={12} />
          </button>
        </li>
      ))}
    </ul>
  );
}
