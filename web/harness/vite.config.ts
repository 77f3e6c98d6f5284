// Builds the React harness page into web/dist/react-harness (a test fixture, never shipped).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/react-harness", import.meta.url)),
    emptyOutDir: true,
  },
});
