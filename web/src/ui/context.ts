import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Strings } from "../i18n";
import { format } from "../i18n";
import type { ChatController } from "../state/controller";

export const ControllerContext = createContext<ChatController | null>(null);

export function useController(): ChatController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error("ChatKit UI rendered outside its element");
  return c;
}

/** The active locale's strings, plus a formatter for `{placeholders}` and plural forms. */
export function useStrings(): Strings & { f: (key: keyof Strings, values?: Record<string, string | number>) => string } {
  const strings = useController().locale.value.strings;
  return { ...strings, f: (key, values) => format(strings, key, values) };
}
