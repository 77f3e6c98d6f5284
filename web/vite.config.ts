// The element's ES module build: chatkit.mjs plus lazy chunks, written next to the
// classic loader in the Python package's static folder (served at the site root).
import { defineConfig } from "vitest/config";

export default defineConfig({
  build: {
    outDir: "../src/chatloom/static",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    lib: {
      entry: "src/index.ts",
      formats: ["es"],
      fileName: () => "chatkit.mjs",
    },
    rolldownOptions: {
      output: { chunkFileNames: "chunks/[name]-[hash].mjs" },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.{ts,tsx}"],
  },
});
