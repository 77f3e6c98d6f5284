// Content components: Badge, Icon, Image.
import { Icon as Glyph } from "../ui/icons";
import type { NodeProps } from "./components";
import { useHost } from "./host";
import { oneOf, str } from "./props";
import { blockStyle, color, radius, spacing } from "./style";

const BADGE_COLORS = ["secondary", "success", "danger", "warning", "info", "discovery"] as const;

export function Badge({ node }: NodeProps) {
  const tone = oneOf(node.color, BADGE_COLORS) ?? "secondary";
  const variant = oneOf(node.variant, ["solid", "soft", "outline"] as const) ?? "soft";
  const size = oneOf(node.size, ["sm", "md", "lg"] as const) ?? "sm";
  return (
    <span class={`ckw-badge ckw-tone-${tone} ckw-${variant} ckw-badge-${size}${node.pill ? " ckw-pill" : ""}`}>
      {str(node.label) ?? ""}
    </span>
  );
}

export const ICON_SIZES: Record<string, number> = { xs: 12, sm: 14, md: 16, lg: 18, xl: 20, "2xl": 24, "3xl": 32 };

export function IconNode({ node }: NodeProps) {
  const host = useHost();
  return (
    <span class="ckw-icon" style={{ color: color(node.color, host.colorScheme) }}>
      <Glyph name={str(node.name) ?? ""} size={ICON_SIZES[str(node.size) ?? "md"] ?? 16} />
    </span>
  );
}

const FITS = ["cover", "contain", "fill", "scale-down", "none"] as const;
const POSITIONS = ["top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right"] as const;

/** An image from an allowed host; otherwise its alt text, so nothing loads around the policy. */
export function Image({ node }: NodeProps) {
  const host = useHost();
  const src = str(node.src);
  if (!src || !host.imageAllowed(src)) return <span class="ckw-image-blocked">{str(node.alt) ?? ""}</span>;
  return (
    <img
      class={`ckw-image${node.frame ? " ckw-frame" : ""}${node.flush ? " ckw-flush" : ""}`}
      src={src}
      alt={str(node.alt) ?? ""}
      loading="lazy"
      referrerpolicy="no-referrer"
      style={{
        ...blockStyle(node),
        ...spacing(node.margin, "margin"),
        flex: typeof node.flex === "number" || typeof node.flex === "string" ? String(node.flex) : undefined,
        background: color(node.background, host.colorScheme, "surface"),
        objectFit: oneOf(node.fit, FITS),
        objectPosition: oneOf(node.position, POSITIONS),
        borderRadius: radius(node.radius),
      }}
    />
  );
}
