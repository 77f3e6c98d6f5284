// Button: variants, colours, sizes, icons, and its action (a submit button submits the
// form it is in; with an action of its own it fires that, validating the form first).
import { Icon } from "../ui/icons";
import { useFire } from "./actions";
import type { NodeProps } from "./components";
import { controlSize } from "./field";
import { actionProp } from "./host";
import { oneOf, str } from "./props";

const COLORS = ["primary", "secondary", "info", "discovery", "success", "caution", "warning", "danger"] as const;
const VARIANTS = ["solid", "soft", "outline", "ghost"] as const;
const ICON_SIZES: Record<string, number> = { sm: 14, md: 16, lg: 18, xl: 20, "2xl": 24 };

/** The classes of a button: `style` is the older shorthand for colour and variant. */
export function buttonClass(node: Record<string, unknown>): string {
  const secondary = node.style === "secondary";
  const tone = oneOf(node.color, COLORS) ?? (secondary ? "secondary" : "primary");
  const variant = oneOf(node.variant, VARIANTS) ?? (secondary ? "outline" : "solid");
  const flags = `${node.pill ? " ckw-pill" : ""}${node.block ? " ckw-block" : ""}${node.uniform ? " ckw-uniform" : ""}`;
  return `ckw-button ckw-tone-${tone} ckw-${variant} ckw-size-${controlSize(node.size)}${flags}`;
}

export function Button({ node }: NodeProps) {
  const action = actionProp(node.onClickAction);
  const { fire, loading, blocked } = useFire("self");
  const iconSize = ICON_SIZES[str(node.iconSize) ?? "md"] ?? 16;
  const label = str(node.label);
  const iconStart = str(node.iconStart);
  const iconEnd = str(node.iconEnd);
  return (
    <button
      type={node.submit ? "submit" : "button"}
      class={buttonClass(node)}
      disabled={node.disabled === true || blocked(action)}
      aria-busy={loading || undefined}
      aria-label={!label ? (iconStart ?? iconEnd) : undefined}
      onClick={(e) => {
        if (!action) return; // a plain submit button lets its form submit
        e.preventDefault();
        void fire(action, { validate: node.submit === true });
      }}
    >
      {loading ? <span class="ck-spinner" aria-hidden="true" /> : iconStart && <Icon name={iconStart} size={iconSize} />}
      {label && <span>{label}</span>}
      {iconEnd && <Icon name={iconEnd} size={iconSize} />}
    </button>
  );
}
