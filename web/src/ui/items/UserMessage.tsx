import type { Attachment, UserMessageItem } from "../../protocol/types";
import { useController, useStrings } from "../context";
import { Icon } from "../icons";

export function AttachmentChip({ a }: { a: Pick<Attachment, "name" | "mime_type" | "type" | "preview_url"> }) {
  if (a.type === "image" && a.preview_url) {
    return <img class="ck-attachment-image" src={a.preview_url} alt={a.name} loading="lazy" referrerpolicy="no-referrer" />;
  }
  return (
    <span class="ck-attachment-file">
      <Icon name="document" />
      <span class="ck-attachment-name">{a.name}</span>
    </span>
  );
}

/** User text is shown as typed (never Markdown); tags render as chips. */
export function UserMessage({ item }: { item: UserMessageItem }) {
  const c = useController();
  const t = useStrings();
  const onEntity = c.options.value.entities.onClick;
  return (
    <div class="ck-user" data-item-id={item.id} data-pending={item.id.startsWith("__pending_") ? "" : undefined}>
      <span class="ck-sr-only">{t.messageFromYou}</span>
      {item.quoted_text && <blockquote class="ck-quote">{item.quoted_text}</blockquote>}
      {!!item.attachments?.length && (
        <div class="ck-attachments">
          {item.attachments.map((a) => (
            <AttachmentChip key={a.id} a={a} />
          ))}
        </div>
      )}
      <div class="ck-bubble" dir="auto">
        {item.content.map((part, i) =>
          part.type === "input_tag" ? (
            part.interactive && onEntity ? (
              <button
                key={i}
                type="button"
                class="ck-tag ck-tag-interactive"
                onClick={() => onEntity({ id: part.id, title: part.text, interactive: true, group: part.group ?? undefined, data: part.data as Record<string, string> })}
              >
                @{part.text}
              </button>
            ) : (
              <span key={i} class="ck-tag">@{part.text}</span>
            )
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </div>
    </div>
  );
}
