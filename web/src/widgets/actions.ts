// Firing actions from components: form values, blocking while a response streams, and
// the loading state (`self` on the component, `container` on the whole widget).
import { createContext } from "preact";
import { useContext, useState } from "preact/hooks";
import { formValues, mergePayload } from "./form";
import { loadingBehavior, useHost } from "./host";
import type { ActionConfig } from "./types";

/** The nearest form (Form or Card asForm), if any. */
export const FormContext = createContext<{ current: HTMLFormElement | null } | null>(null);
/** Sets the whole widget's loading state. */
export const ContainerLoading = createContext<(loading: boolean) => void>(() => {});

export function useFire(auto: "self" | "container" | "none"): { fire: (a: ActionConfig) => Promise<void>; loading: boolean; blocked: (a: ActionConfig | null) => boolean } {
  const host = useHost();
  const form = useContext(FormContext);
  const setContainer = useContext(ContainerLoading);
  const [loading, setLoading] = useState(false);
  const blocked = (a: ActionConfig | null): boolean => !!a && host.blocked && a.handler !== "client" && a.streaming !== false;
  const fire = async (a: ActionConfig): Promise<void> => {
    if (blocked(a) || loading) return;
    const el = form?.current;
    if (el && !el.reportValidity()) return;
    const action = el ? { ...a, payload: mergePayload(a.payload, formValues(el)) } : a;
    const mode = loadingBehavior(a, auto);
    if (mode === "self") setLoading(true);
    if (mode === "container") setContainer(true);
    try {
      await host.action(action);
    } finally {
      if (mode === "self") setLoading(false);
      if (mode === "container") setContainer(false);
    }
  };
  return { fire, loading, blocked };
}
