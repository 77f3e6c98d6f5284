// /chatkit.js: a classic script (pages add it with a plain <script async src>). It loads
// the ES module build that sits next to it; dynamic import() works in classic scripts
// and keeps lazy chunks (math, highlighting) code-split.
const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src || document.baseURI;
import(/* @vite-ignore */ new URL("chatkit.mjs", base).href).catch((error: unknown) => {
  console.error("ChatKit: failed to load chatkit.mjs", error);
});
