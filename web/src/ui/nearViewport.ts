// Defers work for content far outside its scroll container (a finished message is only
// parsed and sanitized when it comes within a few screens), so opening a long thread
// costs what is visible, not what it holds. One IntersectionObserver per scroller.
import { useLayoutEffect, useRef, useState } from "preact/hooks";

const MARGIN = "1600px 0px";
const observers = new WeakMap<Element, { io: IntersectionObserver; callbacks: Map<Element, () => void> }>();

function observe(root: Element, el: Element, onNear: () => void): () => void {
  let entry = observers.get(root);
  if (!entry) {
    const callbacks = new Map<Element, () => void>();
    const io = new IntersectionObserver(
      (records) => {
        for (const r of records) {
          if (!r.isIntersecting) continue;
          callbacks.get(r.target)?.();
          callbacks.delete(r.target);
          io.unobserve(r.target);
        }
      },
      { root, rootMargin: MARGIN },
    );
    entry = { io, callbacks };
    observers.set(root, entry);
  }
  entry.callbacks.set(el, onNear);
  entry.io.observe(el);
  const { io, callbacks } = entry;
  return () => {
    callbacks.delete(el);
    io.unobserve(el);
  };
}

/**
 * Returns [ref, near]: `near` turns true once the element is within reach of its
 * `.ck-scroll` container (immediately when it has none, or when `eager`).
 */
export function useNearViewport<T extends Element>(eager: boolean): [{ current: T | null }, boolean] {
  const ref = useRef<T | null>(null);
  const [near, setNear] = useState(eager);
  useLayoutEffect(() => {
    if (near) return;
    const el = ref.current;
    const root = el?.closest(".ck-scroll");
    if (!el || !root || typeof IntersectionObserver !== "function") {
      setNear(true);
      return;
    }
    return observe(root, el, () => setNear(true));
  }, [near]);
  return [ref, near || eager];
}
