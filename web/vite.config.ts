// The element's ES module build: chatkit.mjs plus lazy chunks, written next to the
// classic loader (vite.loader.config.ts) into the Python package's static folder, which
// the app serves at the site root.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";
import { lucideIcons } from "./vite.lucide.ts";

/** Ships KaTeX's woff2 fonts beside the bundle; math.ts points its stylesheet at them. */
function katexFonts(): Plugin {
  return {
    name: "chatloom-katex-fonts",
    apply: "build",
    generateBundle() {
      const dir = join(dirname(createRequire(import.meta.url).resolve("katex/package.json")), "dist", "fonts");
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".woff2"))) {
        this.emitFile({ type: "asset", fileName: `katex-fonts/${file}`, source: readFileSync(join(dir, file)) });
      }
    },
  };
}

export default defineConfig({
  plugins: [katexFonts(), lucideIcons()],
  build: {
    outDir: "../src/chatloom/static",
    emptyOutDir: true,
    target: "es2022",
    minify: true,
    modulePreload: false,
    rolldownOptions: {
      input: "src/index.ts",
      preserveEntrySignatures: "allow-extension",
      output: {
        format: "es",
        entryFileNames: "chatkit.mjs",
        chunkFileNames: "chunks/[name]-[hash].mjs",
      },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.{ts,tsx}"],
  },
});
