// A shallow-props memo (preact/compat's would add its whole compat layer to the bundle).
import { Component, type FunctionComponent, h } from "preact";

export function memo<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  // biome-ignore lint/correctness/noComponentHookFactories: one class per memoized component, made once at module level
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const prev = this.props as Record<string, unknown>;
      const keys = Object.keys(next);
      return keys.length !== Object.keys(prev).length || keys.some((k) => (next as Record<string, unknown>)[k] !== prev[k]);
    }
    override render() {
      return h(render, this.props);
    }
  }
  return Memo as unknown as FunctionComponent<P>;
}
