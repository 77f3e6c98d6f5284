// An assistant message: its Markdown parts with inline citation markers, then the
// collapsed list of every source the message cites.
import { useRef, useState } from "preact/hooks";
import { collectCitations } from "../../markdown/citations";
import { safeUrl } from "../../markdown/inline";
import type { Entity } from "../../options";
import type { AssistantMessageItem, Source } from "../../protocol/types";
import { useController, useStrings } from "../context";
import { EntityPreview, entityOf } from "../EntityPreview";
import { Icon } from "../icons";
import { Markdown } from "../Markdown";

function SourceEntry({ source, n }: { source: Source; n: number }) {
  const c = useController();
  const title = source.title || (source.type === "url" ? source.url : source.type === "file" ? source.filename : source.id);
  let body = <span>{title}</span>;
  if (source.type === "url" && safeUrl(source.url)) {
    body = (
      <a href={safeUrl(source.url)!} target="_blank" rel="noopener noreferrer">
        {title}
      </a>
    );
  } else if (source.type === "entity" && source.interactive && c.options.value.entities.onClick) {
    const onClick = c.options.value.entities.onClick;
    body = (
      <button type="button" class="ck-link-btn" onClick={() => onClick(entityOf(source))}>
        {title}
      </button>
    );
  }
  return (
    <li id={`src-${n}`} class="ck-source">
      <span class="ck-source-n">{n + 1}</span>
      {source.type === "entity" && source.icon && <Icon name={source.icon} />}
      {body}
      {source.description && <span class="ck-muted"> — {source.description}</span>}
    </li>
  );
}

/** Where an entity citation's preview shows: under its marker, in the message's box. */
type CitePreview = { entity: Entity; left: number; top: number };

export function AssistantMessage({ item, streaming }: { item: AssistantMessageItem; streaming: boolean }) {
  const t = useStrings();
  const c = useController();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const [preview, setPreview] = useState<CitePreview | null>(null);
  const onCitationHover = (source: Source | null, anchor: HTMLElement | null): void => {
    if (source?.type !== "entity" || !source.interactive || !anchor || !box.current) {
      setPreview(null);
      return;
    }
    const [a, b] = [anchor.getBoundingClientRect(), box.current.getBoundingClientRect()];
    setPreview({ entity: entityOf(source), left: a.left - b.left, top: a.bottom - b.top + 4 });
  };
  const all = item.content.flatMap((part) => collectCitations(part.text, part.annotations).sources);
  const onCitation = (source: Source): void => {
    if (source.type === "entity" && source.interactive) {
      c.options.value.entities.onClick?.(entityOf(source));
      return;
    }
    if (source.type === "url" && safeUrl(source.url)) window.open(safeUrl(source.url)!, "_blank", "noopener,noreferrer");
    else setOpen(true);
  };
  return (
    <div class="ck-assistant" data-item-id={item.id} dir="auto" ref={box}>
      {item.content.map((part, i) => (
        <Markdown
          key={i}
          text={part.text}
          annotations={part.annotations}
          streaming={streaming}
          onCitation={onCitation}
          onCitationHover={c.options.value.entities.onRequestPreview ? onCitationHover : undefined}
        />
      ))}
      {preview && (
        <EntityPreview entity={preview.entity} class="ck-preview-pop" style={{ left: `${preview.left}px`, top: `${preview.top}px` }} />
      )}
      {all.length > 0 && (
        <details class="ck-sources" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>
            {t.sources} <span class="ck-muted">({all.length})</span>
          </summary>
          <ol>
            {all.map((s, n) => (
              <SourceEntry key={n} source={s} n={n} />
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
