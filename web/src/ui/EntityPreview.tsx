// Entity previews (`entities.onRequestPreview`): the Basic widget the page returns for an
// entity, shown for the highlighted @-mention result, over a sent tag, and over an entity
// citation. Previews only show: their actions go nowhere.
import type { CSSProperties } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Entity } from "../options";
import type { EntitySource } from "../protocol/types";
import type { WidgetRoot } from "../widgets/types";
import { useController } from "./context";
import { useWidgetHost, Widget } from "./LazyWidget";

export const entityOf = (s: EntitySource): Entity => ({
  id: s.id,
  title: s.title,
  interactive: true,
  data: s.data as Record<string, string>,
});

export function EntityPreview({ entity, class: cls, style }: { entity: Entity | undefined; class?: string; style?: CSSProperties }) {
  const c = useController();
  const [preview, setPreview] = useState<WidgetRoot | null>(null);
  const onRequestPreview = c.options.value.entities.onRequestPreview;
  const host = useWidgetHost({ action: async () => {}, blocked: true });
  useEffect(() => {
    setPreview(null);
    if (!entity?.interactive || !onRequestPreview) return;
    let live = true;
    void onRequestPreview(entity).then(
      (r) => live && setPreview(r?.preview ?? null),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [entity?.id]);
  if (!preview) return null;
  return (
    <div class={`ck-entity-preview${cls ? ` ${cls}` : ""}`} style={style} role="tooltip">
      <Widget root={preview} host={host} />
    </div>
  );
}
