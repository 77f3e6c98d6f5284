// Text components: Text (incl. `editable`), Title, Caption, Markdown, Label.
import type { NodeProps } from "./components";
import { useFieldIds } from "./fieldIds";
import { TextControl } from "./fields";
import { useHost } from "./host";
import { num, obj, oneOf, str } from "./props";
import { type Css, color, type Scheme, size } from "./style";
import type { WidgetNode } from "./types";

const TEXT_SIZES: Record<string, string> = { xs: "0.75em", sm: "0.875em", md: "1em", lg: "1.125em", xl: "1.25em" };
const TITLE_SIZES: Record<string, string> = {
  sm: "1em",
  md: "1.125em",
  lg: "1.25em",
  xl: "1.5em",
  "2xl": "1.75em",
  "3xl": "2em",
  "4xl": "2.5em",
  "5xl": "3em",
};
const CAPTION_SIZES: Record<string, string> = { sm: "0.75em", md: "0.8125em", lg: "0.875em" };
const WEIGHTS: Record<string, number> = { normal: 400, medium: 500, semibold: 600, bold: 700 };

/** The shared text props: size, weight, colour, alignment, truncation. */
export function textStyle(node: WidgetNode, sizes: Record<string, string>, scheme: Scheme): Css {
  const maxLines = num(node.maxLines) ?? (node.truncate ? 1 : undefined);
  return {
    fontSize: sizes[str(node.size) ?? ""],
    fontWeight: WEIGHTS[str(node.weight) ?? ""],
    color: color(node.color, scheme),
    textAlign: oneOf(node.textAlign, ["start", "center", "end"] as const),
    fontStyle: node.italic ? "italic" : undefined,
    textDecoration: node.lineThrough ? "line-through" : undefined,
    width: size(node.width),
    minHeight: num(node.minLines) ? `${num(node.minLines)! * 1.5}em` : undefined,
    ...(maxLines ? { display: "-webkit-box", WebkitLineClamp: String(maxLines), WebkitBoxOrient: "vertical", overflow: "hidden" } : {}),
  };
}

export function Text({ node }: NodeProps) {
  const host = useHost();
  const editable = obj(node.editable);
  const style = textStyle(node, TEXT_SIZES, host.colorScheme);
  if (editable && str(editable.name)) {
    return (
      <TextControl
        multiline
        class="ckw-text ckw-editable"
        style={style}
        name={str(editable.name)!}
        defaultValue={str(node.value)}
        placeholder={str(editable.placeholder)}
        required={editable.required === true}
        pattern={str(editable.pattern)}
        autoFocus={editable.autoFocus === true}
        autoSelect={editable.autoSelect === true}
        autoComplete={str(editable.autoComplete)}
        allowAutofill={editable.allowAutofillExtensions === true}
        rows={1}
        autoResize
      />
    );
  }
  return (
    <p class={`ckw-text${node.streaming ? " ckw-streaming" : ""}`} style={style}>
      {str(node.value) ?? ""}
    </p>
  );
}

export function Title({ node }: NodeProps) {
  const host = useHost();
  return (
    <h3 class="ckw-title" style={textStyle(node, TITLE_SIZES, host.colorScheme)}>
      {str(node.value) ?? ""}
    </h3>
  );
}

export function Caption({ node }: NodeProps) {
  const host = useHost();
  return (
    <p class="ckw-caption" style={textStyle(node, CAPTION_SIZES, host.colorScheme)}>
      {str(node.value) ?? ""}
    </p>
  );
}

export function MarkdownNode({ node }: NodeProps) {
  const { Markdown } = useHost();
  return (
    <div class="ckw-markdown">
      <Markdown text={str(node.value) ?? ""} streaming={!!node.streaming} />
    </div>
  );
}

/** A label for the control named `fieldName` in the same widget. */
export function Label({ node }: NodeProps) {
  const host = useHost();
  const ids = useFieldIds();
  const field = str(node.fieldName) ?? "";
  return (
    <label class="ckw-label" for={ids.field(field)} id={ids.label(field)} style={textStyle(node, TEXT_SIZES, host.colorScheme)}>
      {str(node.value) ?? ""}
    </label>
  );
}
