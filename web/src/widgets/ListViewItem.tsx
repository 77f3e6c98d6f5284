// ListViewItem: a ListView row; with an action the whole row is a button.
import { useFire } from "./actions";
import { Children, type NodeProps } from "./components";
import { actionProp, useHost } from "./host";
import { boxStyle } from "./style";

export function ListViewItem({ node }: NodeProps) {
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
  const off = blocked(action);
  return (
    <div
      class="ckw-list-item ckw-row ckw-clickable"
      style={style}
      role="button"
      tabIndex={off ? -1 : 0}
      aria-disabled={off || undefined}
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
      {loading && <span class="ck-spinner ckw-busy" aria-hidden="true" />}
    </div>
  );
}
