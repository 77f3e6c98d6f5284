// The classic-script loader /chatkit.js: no top-level import/export, so pages can add it
// with a plain <script async src>. It imports chatkit.mjs from its own directory.
import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    outDir: "../src/chatloom/static",
    emptyOutDir: false,
    target: "es2020",
    lib: {
      entry: "src/loader.ts",
      formats: ["iife"],
      name: "ChatloomLoader",
      fileName: () => "chatkit.js",
    },
  },
});
