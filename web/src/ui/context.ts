import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Strings } from "../i18n";
import { format } from "../i18n";
import { imageAllowed } from "../markdown/sanitize";
import type { ChatController } from "../state/controller";

export const ControllerContext = createContext<ChatController | null>(null);

export function useController(): ChatController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error("ChatKit UI rendered outside its element");
  return c;
}

/**
 * The one image policy for everything the server or the page sends: Markdown (messages,
 * tasks, thoughts, notices, widgets, disclaimers), widget images and favicons, entity
 * previews, generated images. A thought or notice must not load what a message may not:
 * an image URL is a request that can carry data out.
 */
export function useImagePolicy(): { hosts: readonly string[] | null; allowed: (src: string) => boolean } {
  const hosts = useController().imageHosts.value;
  return { hosts, allowed: (src) => imageAllowed(src, hosts) };
}

/** The active locale's strings, plus a formatter for `{placeholders}` and plural forms. */
export function useStrings(): Strings & { f: (key: keyof Strings, values?: Record<string, string | number>) => string } {
  const strings = useController().locale.value.strings;
  return { ...strings, f: (key, values) => format(strings, key, values) };
}
