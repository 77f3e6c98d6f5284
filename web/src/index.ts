// The ES module entry: defines <openai-chatkit> (unless a page already did) and exports
// the class so pages can register it under another tag.
import { OpenAIChatKit } from "./element";

export type { ChatKitEventMap, ChatKitEventName } from "./events";
export type { ChatKitOptions } from "./options";
export { OpenAIChatKit };

if (typeof customElements !== "undefined" && !customElements.get("openai-chatkit")) {
  customElements.define("openai-chatkit", OpenAIChatKit);
}
