import { useState } from "preact/hooks";
import type { Entity } from "../../options";
import type { Attachment, InputTagContent, UserMessageItem } from "../../protocol/types";
import { useController, useStrings } from "../context";
import { EntityPreview } from "../EntityPreview";
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

/** An interactive tag: clickable, and previewed (onRequestPreview) while hovered or focused. */
function InteractiveTag({ part, onEntity }: { part: InputTagContent; onEntity: ((e: Entity) => void) | undefined }) {
  const [shown, setShown] = useState(false);
  const entity: Entity = {
    id: part.id,
    title: part.text,
    interactive: true,
    group: part.group ?? undefined,
    data: part.data as Record<string, string>,
  };
  const show = (): void => setShown(true);
  const hide = (): void => setShown(false);
  return (
    <span
      class="ck-tag-anchor"
      onPointerEnter={show}
      onPointerLeave={hide}
      onFocusIn={show}
      onFocusOut={hide}
      onKeyDown={(e) => e.key === "Escape" && hide()}
    >
      {onEntity ? (
        <button type="button" class="ck-tag ck-tag-interactive" onClick={() => onEntity(entity)}>
          @{part.text}
        </button>
      ) : (
        <span class="ck-tag" tabIndex={0}>
          @{part.text}
        </span>
      )}
      {shown && <EntityPreview entity={entity} class="ck-preview-pop" />}
    </span>
  );
}

/** User text is shown as typed (never Markdown); tags render as chips. */
export function UserMessage({ item }: { item: UserMessageItem }) {
  const c = useController();
  const t = useStrings();
  const { onClick: onEntity, onRequestPreview } = c.options.value.entities;
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
            part.interactive && (onEntity || onRequestPreview) ? (
              <InteractiveTag key={i} part={part} onEntity={onEntity} />
            ) : (
              <span key={i} class="ck-tag">
                @{part.text}
              </span>
            )
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </div>
    </div>
  );
}
