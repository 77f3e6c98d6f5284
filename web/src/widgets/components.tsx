// The built-in widget components. Each reads its props defensively (server JSON) and
// renders through `renderNode`, so containers and leaves compose freely.
import type { ComponentChildren } from "preact";
import type { Css } from "./style";
import { useRef } from "preact/hooks";
import { Icon as IconGlyph } from "../ui/icons";
import { FormContext, useFire } from "./actions";
import { actionProp, useHost } from "./host";
import { blockStyle, boxStyle, color, radius, space } from "./style";
import { childrenOf } from "./tree";
import type { WidgetNode } from "./types";

export type NodeProps = { node: WidgetNode };
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

export function Children({ node }: NodeProps) {
  return (
    <>
      {childrenOf(node).map((child, i) => (
        <Node key={child.key ?? child.id ?? i} node={child} />
      ))}
    </>
  );
}

function Box({ node, direction }: NodeProps & { direction?: "row" | "col" }) {
  const host = useHost();
  const dir = direction ?? (node.direction === "row" ? "row" : "col");
  return (
    <div class={`ckw-box ckw-${dir}`} style={boxStyle(node, host.colorScheme)}>
      <Children node={node} />
    </div>
  );
}

function Form({ node }: NodeProps) {
  const host = useHost();
  const ref = useRef<HTMLFormElement>(null);
  const submit = actionProp(node.onSubmitAction);
  const { fire } = useFire("container");
  return (
    <FormContext.Provider value={ref}>
      <form
        ref={ref}
        class={`ckw-box ckw-${node.direction === "row" ? "row" : "col"}`}
        style={boxStyle(node, host.colorScheme)}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (submit) void fire(submit);
        }}
      >
        <Children node={node} />
      </form>
    </FormContext.Provider>
  );
}

const TEXT_SIZES: Record<string, string> = { xs: "0.75em", sm: "0.875em", md: "1em", lg: "1.125em", xl: "1.25em" };
const TITLE_SIZES: Record<string, string> = { sm: "1em", md: "1.125em", lg: "1.25em", xl: "1.5em", "2xl": "1.75em", "3xl": "2em", "4xl": "2.5em", "5xl": "3em" };
const CAPTION_SIZES: Record<string, string> = { sm: "0.75em", md: "0.8125em", lg: "0.875em" };
const WEIGHTS: Record<string, number> = { normal: 400, medium: 500, semibold: 600, bold: 700 };

function textStyle(node: WidgetNode, sizes: Record<string, string>, scheme: "light" | "dark", fallbackColor?: string): Css {
  const maxLines = typeof node.maxLines === "number" ? node.maxLines : node.truncate ? 1 : undefined;
  return {
    fontSize: sizes[str(node.size) ?? ""],
    fontWeight: WEIGHTS[str(node.weight) ?? ""],
    color: color(node.color, scheme) ?? fallbackColor,
    textAlign: (["start", "center", "end"] as const).find((a) => a === node.textAlign),
    fontStyle: node.italic ? "italic" : undefined,
    textDecoration: node.lineThrough ? "line-through" : undefined,
    width: typeof node.width === "number" ? `${node.width}px` : str(node.width),
    minHeight: typeof node.minLines === "number" ? `${node.minLines * 1.5}em` : undefined,
    ...(maxLines ? { display: "-webkit-box", WebkitLineClamp: String(maxLines), WebkitBoxOrient: "vertical", overflow: "hidden" } : {}),
  };
}

function Text({ node }: NodeProps) {
  const host = useHost();
  return (
    <p class={`ckw-text${node.streaming ? " ckw-streaming" : ""}`} style={textStyle(node, TEXT_SIZES, host.colorScheme)}>
      {str(node.value) ?? ""}
    </p>
  );
}

function Title({ node }: NodeProps) {
  const host = useHost();
  return (
    <h3 class="ckw-title" style={textStyle(node, TITLE_SIZES, host.colorScheme)}>
      {str(node.value) ?? ""}
    </h3>
  );
}

function Caption({ node }: NodeProps) {
  const host = useHost();
  return (
    <p class="ckw-caption" style={textStyle(node, CAPTION_SIZES, host.colorScheme, "var(--ck-text-2)")}>
      {str(node.value) ?? ""}
    </p>
  );
}

function MarkdownNode({ node }: NodeProps) {
  const { Markdown } = useHost();
  return <Markdown text={str(node.value) ?? ""} streaming={!!node.streaming} />;
}

function Badge({ node }: NodeProps) {
  const tone = str(node.color) ?? "secondary";
  const variant = str(node.variant) ?? "soft";
  return (
    <span class={`ckw-badge ckw-tone-${tone} ckw-${variant} ckw-size-${str(node.size) ?? "sm"}${node.pill ? " ckw-pill" : ""}`}>
      {str(node.label) ?? ""}
    </span>
  );
}

function Button({ node }: NodeProps) {
  const action = actionProp(node.onClickAction);
  const { fire, loading, blocked } = useFire("self");
  const tone = str(node.color) ?? (node.style === "secondary" ? "secondary" : "primary");
  const variant = str(node.variant) ?? (node.style === "secondary" ? "outline" : "solid");
  const iconSize = { sm: 14, md: 16, lg: 18, xl: 20, "2xl": 24 }[str(node.iconSize) ?? "md"] ?? 16;
  const cls = `ckw-button ckw-tone-${tone} ckw-${variant} ckw-size-${str(node.size) ?? "md"}${node.pill ? " ckw-pill" : ""}${node.block ? " ckw-block" : ""}${node.uniform ? " ckw-uniform" : ""}`;
  return (
    <button
      type={node.submit ? "submit" : "button"}
      class={cls}
      disabled={!!node.disabled || blocked(action)}
      aria-busy={loading || undefined}
      onClick={(e) => {
        if (node.submit && !action) return; // the form's submit action runs instead
        if (node.submit) e.preventDefault();
        if (action) void fire(action);
      }}
    >
      {loading ? <span class="ck-spinner" aria-hidden="true" /> : str(node.iconStart) && <IconGlyph name={str(node.iconStart)!} size={iconSize} />}
      {str(node.label) && <span>{str(node.label)}</span>}
      {str(node.iconEnd) && <IconGlyph name={str(node.iconEnd)!} size={iconSize} />}
    </button>
  );
}

function Divider({ node }: NodeProps) {
  const host = useHost();
  return (
    <hr
      class={`ckw-divider${node.flush ? " ckw-flush" : ""}`}
      style={{
        borderTopColor: color(node.color, host.colorScheme, "border"),
        borderTopWidth: typeof node.size === "number" ? `${node.size}px` : undefined,
        marginBlock: space(node.spacing),
      }}
    />
  );
}

function Spacer({ node }: NodeProps) {
  return <div class="ckw-spacer" style={{ minHeight: space(node.minSize), minWidth: space(node.minSize) }} />;
}

const ICON_SIZES: Record<string, number> = { xs: 12, sm: 14, md: 16, lg: 18, xl: 20, "2xl": 24, "3xl": 32 };
function IconNode({ node }: NodeProps) {
  const host = useHost();
  return (
    <span class="ckw-icon" style={{ color: color(node.color, host.colorScheme) }}>
      <IconGlyph name={str(node.name) ?? ""} size={ICON_SIZES[str(node.size) ?? "md"] ?? 16} />
    </span>
  );
}

function Image({ node }: NodeProps) {
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
        objectFit: (["cover", "contain", "fill", "scale-down", "none"] as const).find((f) => f === node.fit),
        objectPosition: str(node.position),
        borderRadius: radius(node.radius),
      }}
    />
  );
}

function ListViewItem({ node }: NodeProps) {
  const host = useHost();
  const action = actionProp(node.onClickAction);
  const { fire, loading, blocked } = useFire("self");
  const style = boxStyle(node, host.colorScheme);
  if (!action) {
    return (
      <div class="ckw-list-item ckw-row" style={style}>
        <Children node={node} />
      </div>
    );
  }
  return (
    <div
      class="ckw-list-item ckw-row ckw-clickable"
      style={style}
      role="button"
      tabIndex={blocked(action) ? -1 : 0}
      aria-disabled={blocked(action) || undefined}
      aria-busy={loading || undefined}
      onClick={() => void fire(action)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          void fire(action);
        }
      }}
    >
      <Children node={node} />
    </div>
  );
}

/** Anything not built in: keep its children visible rather than dropping content. */
function Unknown({ node }: NodeProps) {
  return (
    <div class="ckw-unknown" data-type={node.type}>
      <Children node={node} />
    </div>
  );
}

export const COMPONENTS: Record<string, (p: NodeProps) => ComponentChildren> = {
  Box: (p) => <Box {...p} />,
  Row: (p) => <Box {...p} direction="row" />,
  Col: (p) => <Box {...p} direction="col" />,
  Form: (p) => <Form {...p} />,
  Text: (p) => <Text {...p} />,
  Title: (p) => <Title {...p} />,
  Caption: (p) => <Caption {...p} />,
  Markdown: (p) => <MarkdownNode {...p} />,
  Badge: (p) => <Badge {...p} />,
  Button: (p) => <Button {...p} />,
  Divider: (p) => <Divider {...p} />,
  Spacer: (p) => <Spacer {...p} />,
  Icon: (p) => <IconNode {...p} />,
  Image: (p) => <Image {...p} />,
  ListViewItem: (p) => <ListViewItem {...p} />,
};

export function Node({ node }: NodeProps) {
  if (!node || typeof node !== "object" || typeof node.type !== "string") return null;
  const render = COMPONENTS[node.type];
  return <>{render ? render({ node }) : <Unknown node={node} />}</>;
}
