// Table: Table.Row (a `header` row uses <th> cells; leading header rows form the
// <thead>) and Table.Cell (colSpan, rowSpan, align, vAlign, width, padding, colSize).
import { Children, childKey, Node, type NodeProps } from "./components";
import { num, oneOf } from "./props";
import { type Css, size, spacing } from "./style";
import { childrenOf } from "./tree";
import type { WidgetNode } from "./types";

const V_ALIGN: Record<string, string> = { start: "top", center: "middle", end: "bottom" };
/** Column size presets, as a minimum width. */
const COL_SIZES: Record<string, string> = { xs: "48px", sm: "96px", md: "144px", lg: "192px", xl: "240px" };
const span = (v: unknown): number | undefined => {
  const n = num(v);
  return n && n >= 1 ? Math.min(Math.floor(n), 1000) : undefined;
};

export function cellStyle(node: WidgetNode): Css {
  return {
    textAlign: oneOf(node.align, ["start", "center", "end"] as const),
    verticalAlign: V_ALIGN[oneOf(node.vAlign, ["start", "center", "end"] as const) ?? ""],
    width: size(node.width),
    minWidth: COL_SIZES[oneOf(node.colSize, ["xs", "sm", "md", "lg", "xl"] as const) ?? ""],
    ...spacing(node.padding, "padding"),
  };
}

function Cell({ node, header }: NodeProps & { header: boolean }) {
  const Tag = header ? "th" : "td";
  return (
    <Tag
      class="ckw-cell"
      scope={header ? "col" : undefined}
      colSpan={span(node.colSpan)}
      rowSpan={span(node.rowSpan)}
      style={cellStyle(node)}
    >
      <Children node={node} />
    </Tag>
  );
}

export function TableCell({ node }: NodeProps) {
  return <Cell node={node} header={false} />;
}

export function TableRow({ node }: NodeProps) {
  const header = node.header === true;
  return (
    <tr class={header ? "ckw-header-row" : undefined}>
      {childrenOf(node).map((cell, i) =>
        cell.type === "Table.Cell" ? (
          <Cell key={childKey(cell, i)} node={cell} header={header} />
        ) : (
          <td key={i} class="ckw-cell">
            <Node node={cell} />
          </td>
        ),
      )}
    </tr>
  );
}

export function Table({ node }: NodeProps) {
  const rows = childrenOf(node);
  let headRows = 0;
  while (headRows < rows.length && rows[headRows]!.header === true) headRows++;
  const render = (r: WidgetNode, i: number) => <TableRow key={childKey(r, i)} node={r} />;
  return (
    <div class="ckw-table-wrap">
      <table class="ckw-table">
        {headRows > 0 && <thead>{rows.slice(0, headRows).map(render)}</thead>}
        <tbody>{rows.slice(headRows).map((r, i) => render(r, i + headRows))}</tbody>
      </table>
    </div>
  );
}
