// The Lucide icon set as lazy chunks, generated at build time from lucide-static's
// icon-nodes.json. `virtual:lucide-icons` exports loadLucideShard(i); each of the
// LUCIDE_SHARDS chunks maps the names that hash to it to a compact encoding of the
// icon's elements (src/ui/lucideFormat.ts). The package's license (ISC, and MIT for the
// icons derived from Feather) ships beside the bundle as lucide-LICENSE.txt.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Plugin } from "vite";
import { encodeLucide, LUCIDE_SHARDS, type LucideNode, lucideShard } from "./src/ui/lucideFormat.ts";

const INDEX = "virtual:lucide-icons";
const SHARD = "\0lucide-icons-";

const LICENSE = "lucide-LICENSE.txt";
const packageFile = (name: string): string => createRequire(import.meta.url).resolve(`lucide-static/${name}`);

function iconNodes(): Record<string, LucideNode[]> {
  return JSON.parse(readFileSync(packageFile("icon-nodes.json"), "utf8")) as Record<string, LucideNode[]>;
}

export function lucideIcons(): Plugin {
  let shards: Record<string, string>[] | null = null;
  const build = (): Record<string, string>[] => {
    const out: Record<string, string>[] = Array.from({ length: LUCIDE_SHARDS }, () => ({}));
    for (const [name, nodes] of Object.entries(iconNodes())) out[lucideShard(name)]![name] = encodeLucide(nodes);
    return out;
  };
  return {
    name: "chatloom-lucide-icons",
    resolveId(id) {
      if (id === INDEX) return `\0${INDEX}`;
      if (id.startsWith(SHARD)) return id;
      return null;
    },
    load(id) {
      if (id === `\0${INDEX}`) {
        const cases = Array.from({ length: LUCIDE_SHARDS }, (_, i) => `    case ${i}: return import(${JSON.stringify(SHARD + i)});`);
        return `export function loadLucideShard(i) {\n  switch (i) {\n${cases.join("\n")}\n    default: return Promise.resolve({ default: {} });\n  }\n}\n`;
      }
      if (id.startsWith(SHARD)) {
        shards ??= build();
        return `export default ${JSON.stringify(shards[Number(id.slice(SHARD.length))] ?? {})};\n`;
      }
      return null;
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: LICENSE, source: readFileSync(packageFile("LICENSE")) });
    },
  };
}
