// The roots: Card (status, form, confirm/cancel, collapse), ListView (limit and show
// more), Basic (free layout; may nest roots).
import type { ComponentType } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../ui/icons";
import { FormContext, useFire } from "./actions";
import { buttonClass } from "./Button";
import { Children, childKey, Node, type NodeProps } from "./components";
import { actionProp, useHost } from "./host";
import { num, obj, str } from "./props";
import { border, boxStyle, type Css, color, spacing } from "./style";
import { childrenOf } from "./tree";
import type { WidgetNode } from "./types";

function Status({ node }: NodeProps) {
  const { imageAllowed } = useHost();
  const status = obj(node.status);
  if (!status) return null;
  const favicon = str(status.favicon);
  const icon = str(status.icon);
  return (
    <div class="ckw-status">
      {favicon && imageAllowed(favicon) ? (
        <img
          class={status.frame ? "ckw-favicon ckw-frame" : "ckw-favicon"}
          src={favicon}
          alt=""
          width={16}
          height={16}
          referrerpolicy="no-referrer"
        />
      ) : (
        icon && <Icon name={icon} size={14} />
      )}
      <span>{str(status.text) ?? ""}</span>
    </div>
  );
}

/** A Card's confirm/cancel: `{label, action}`. */
function cardAction(v: unknown) {
  const def = obj(v);
  const action = actionProp(def?.action);
  return def && action ? { label: str(def.label) ?? action.type, action } : null;
}

/** Padding as custom properties too, so `flush` children can reach the card's edges. */
function paddingVars(padding: unknown): Css {
  const css = spacing(padding, "padding") as Record<string, string | undefined>;
  return { ...css, "--ckw-pad-x": css.paddingLeft ?? css.padding, "--ckw-pad-top": css.paddingTop ?? css.padding };
}

function Card({ node }: NodeProps) {
  const host = useHost();
  const form = useRef<HTMLFormElement>(null);
  const confirm = cardAction(node.confirm);
  const cancel = cardAction(node.cancel);
  // Both send the values of an `asForm` card; confirm validates them first.
  const confirming = useFire("container", form);
  const cancelling = useFire("container", form);
  // `collapsed`: the body folds away once confirm has been handled; it can be reopened.
  const [collapsed, setCollapsed] = useState(false);
  const [peek, setPeek] = useState(false);
  const submit = async (): Promise<void> => {
    if (confirm && (await confirming.fire(confirm.action, { validate: true })) && node.collapsed === true) setCollapsed(true);
  };
  const content = (
    <>
      <div class="ckw-card-body ckw-col" style={paddingVars(node.padding)}>
        <Children node={node} />
      </div>
      {(confirm || cancel) && (
        <div class="ckw-card-footer">
          {cancel && (
            <button
              type="button"
              class={buttonClass({ color: "secondary", variant: "outline" })}
              disabled={cancelling.blocked(cancel.action)}
              aria-busy={cancelling.loading || undefined}
              onClick={() => void cancelling.fire(cancel.action)}
            >
              {cancelling.loading && <span class="ck-spinner" aria-hidden="true" />}
              {cancel.label}
            </button>
          )}
          {confirm && (
            // With asForm, confirm is the form's submit button: Enter in a field confirms too.
            <button
              type={node.asForm ? "submit" : "button"}
              class={buttonClass({})}
              disabled={confirming.blocked(confirm.action)}
              aria-busy={confirming.loading || undefined}
              onClick={node.asForm ? undefined : () => void submit()}
            >
              {confirming.loading && <span class="ck-spinner" aria-hidden="true" />}
              {confirm.label}
            </button>
          )}
        </div>
      )}
    </>
  );
  return (
    <div
      class={`ckw-card ckw-card-${str(node.size) ?? "md"}`}
      style={{ background: color(node.background, host.colorScheme, "surface"), ...border(node.border, host.colorScheme) }}
    >
      <Status node={node} />
      {collapsed && (
        <button type="button" class="ckw-show-more" aria-expanded={peek} onClick={() => setPeek(!peek)}>
          {peek ? host.strings.showLess : host.strings.showMore}
        </button>
      )}
      {(!collapsed || peek) && (
        <FormContext.Provider value={node.asForm ? form : null}>
          {node.asForm ? (
            <form
              ref={form}
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void submit();
              }}
            >
              {content}
            </form>
          ) : (
            content
          )}
        </FormContext.Provider>
      )}
    </div>
  );
}

/**
 * `limit: "auto"`: the element picks the limit. It shows the rows that fit in a list of
 * this height (so a list of short rows shows more than one of tall rows), at least
 * AUTO_MIN, and never hides a single row behind "Show more" (that row fits in its place).
 */
const AUTO_HEIGHT = 360;
const AUTO_MIN = 3;

/** Rows that fit AUTO_HEIGHT, measured once the rows have laid out (before paint). */
function useAutoLimit(list: { current: HTMLElement | null }, on: boolean, count: number): number {
  const [limit, setLimit] = useState(Number.POSITIVE_INFINITY);
  useLayoutEffect(() => {
    const el = list.current;
    if (!on || !el) return;
    const top = el.getBoundingClientRect().top;
    const rows = [...el.children];
    let fit = rows.findIndex((row) => row.getBoundingClientRect().bottom - top > AUTO_HEIGHT);
    if (fit < 0) fit = rows.length;
    fit = Math.max(fit, AUTO_MIN);
    setLimit(count - fit <= 1 ? count : fit);
  }, [on, count]);
  return limit;
}

function ListView({ node }: NodeProps) {
  const host = useHost();
  const items = childrenOf(node);
  const list = useRef<HTMLDivElement>(null);
  const auto = useAutoLimit(list, node.limit === "auto", items.length);
  const limit = num(node.limit) ?? (node.limit === "auto" ? auto : Number.POSITIVE_INFINITY);
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? items : items.slice(0, Math.max(1, limit));
  return (
    <div class="ckw-listview">
      <Status node={node} />
      <div class="ckw-list" role="list" ref={list}>
        {shown.map((item, i) => (
          <div role="listitem" key={childKey(item, i)}>
            <Node node={item} />
          </div>
        ))}
      </div>
      {items.length > shown.length || expanded ? (
        <button type="button" class="ckw-show-more" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? host.strings.showLess : host.strings.showMore}
        </button>
      ) : null}
    </div>
  );
}

function Basic({ node }: NodeProps) {
  const host = useHost();
  return (
    <div class={`ckw-basic ckw-box ckw-${node.direction === "row" ? "row" : "col"}`} style={boxStyle(node, host.colorScheme)}>
      {childrenOf(node).map((child, i) => (
        <RootOrNode key={childKey(child, i)} node={child} />
      ))}
    </div>
  );
}

const ROOTS: Record<string, ComponentType<NodeProps>> = { Card, ListView, Basic };

/** A root, or any component where a root may nest (inside Basic). */
export function RootOrNode({ node }: { node: WidgetNode }) {
  const Root = Object.hasOwn(ROOTS, node.type) ? ROOTS[node.type] : undefined;
  return Root ? <Root node={node} /> : <Node node={node} />;
}
