// `lucide:<name>` icons: each name's drawing comes from one of the lazy chunks that
// vite.lucide.ts builds from the Lucide set, fetched on first use and cached.
import { useEffect, useState } from "preact/hooks";
import { loadLucideShard } from "virtual:lucide-icons";
import { decodeLucide, type LucideNode, lucideShard } from "./lucideFormat";

const shards = new Map<number, Promise<Record<string, string>>>();
/** Names already looked up: their elements, or null when Lucide has no such icon. */
const glyphs = new Map<string, LucideNode[] | null>();

function shard(i: number): Promise<Record<string, string>> {
  let loading = shards.get(i);
  if (!loading) {
    loading = loadLucideShard(i).then((m) => m.default);
    // A failed fetch is not remembered: the next icon that needs the chunk tries again.
    loading.catch(() => shards.delete(i));
    shards.set(i, loading);
  }
  return loading;
}

/** The icon's elements, or null when Lucide has no icon of that name. */
export async function lucideGlyph(name: string): Promise<LucideNode[] | null> {
  const known = glyphs.get(name);
  if (known !== undefined) return known;
  const table = await shard(lucideShard(name));
  const glyph = Object.hasOwn(table, name) ? decodeLucide(table[name]!) : null;
  glyphs.set(name, glyph);
  return glyph;
}

/** For a Lucide name: undefined while its chunk loads, then its elements (null: no such icon, or the chunk failed to load). */
export function useLucideGlyph(name: string | null): LucideNode[] | null | undefined {
  const [, loaded] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const known = name === null ? null : glyphs.get(name);
  useEffect(() => {
    if (name === null || known !== undefined) return;
    let live = true;
    lucideGlyph(name).then(
      () => live && loaded((n) => n + 1),
      () => live && setFailed(name),
    );
    return () => {
      live = false;
    };
  }, [name, known]);
  return known === undefined && failed === name ? null : known;
}
