// Modules generated at build time by Vite plugins (see vite.lucide.ts).
declare module "virtual:lucide-icons" {
  /** The lazy chunk `i` of the Lucide set: icon name to encoded elements (src/ui/lucideFormat.ts). */
  export function loadLucideShard(i: number): Promise<{ default: Record<string, string> }>;
}
