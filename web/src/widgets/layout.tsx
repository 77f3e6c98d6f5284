// Layout components: Box, Row, Col, Form, Spacer, Divider, Transition.
import { useLayoutEffect, useRef } from "preact/hooks";
import { FormContext, useFire } from "./actions";
import { Children, childKey, Node, type NodeProps } from "./components";
import { actionProp, useHost } from "./host";
import { boxStyle, color, size, space } from "./style";
import { childrenOf } from "./tree";

function FlexBox({ node, direction }: NodeProps & { direction: "row" | "col" }) {
  const host = useHost();
  return (
    <div class={`ckw-box ckw-${direction}`} style={boxStyle(node, host.colorScheme)}>
      <Children node={node} />
    </div>
  );
}

export function Box({ node }: NodeProps) {
  return <FlexBox node={node} direction={node.direction === "row" ? "row" : "col"} />;
}

export function Row({ node }: NodeProps) {
  return <FlexBox node={node} direction="row" />;
}

export function Col({ node }: NodeProps) {
  return <FlexBox node={node} direction="col" />;
}

/** A Box whose controls' values go with every action fired inside it. */
export function Form({ node }: NodeProps) {
  const host = useHost();
  const ref = useRef<HTMLFormElement>(null);
  const submit = actionProp(node.onSubmitAction);
  const { fire } = useFire("container", ref);
  return (
    <FormContext.Provider value={ref}>
      <form
        ref={ref}
        class={`ckw-box ckw-${node.direction === "row" ? "row" : "col"}`}
        style={boxStyle(node, host.colorScheme)}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (submit) void fire(submit, { validate: true });
        }}
      >
        <Children node={node} />
      </form>
    </FormContext.Provider>
  );
}

export function Spacer({ node }: NodeProps) {
  return <div class="ckw-spacer" style={{ minHeight: space(node.minSize), minWidth: space(node.minSize) }} />;
}

export function Divider({ node }: NodeProps) {
  const host = useHost();
  return (
    <hr
      class={`ckw-divider${node.flush ? " ckw-flush" : ""}`}
      style={{
        borderTopColor: color(node.color, host.colorScheme, "border"),
        borderTopWidth: size(node.size),
        marginBlock: space(node.spacing),
      }}
    />
  );
}

const reducedMotion = (): boolean => !!globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches;

/**
 * Animates layout changes of its child: the height eases from the last rendered size
 * to the new one, and a different child (type, key or id) fades in.
 */
export function Transition({ node }: NodeProps) {
  const child = childrenOf(node)[0];
  const ref = useRef<HTMLDivElement>(null);
  const last = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const height = el.getBoundingClientRect().height;
    const before = last.current;
    last.current = height;
    if (before === null || Math.abs(before - height) < 1 || reducedMotion()) return;
    el.animate?.([{ height: `${before}px` }, { height: `${height}px` }], { duration: 200, easing: "ease-out" });
  });
  return (
    <div ref={ref} class="ckw-transition">
      {child && (
        <div key={`${child.type}:${childKey(child, 0)}`} class="ckw-transition-child">
          <Node node={child} />
        </div>
      )}
    </div>
  );
}
