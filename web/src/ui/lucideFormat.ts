// The Lucide icon set's storage format, shared by the build (vite.lucide.ts writes the
// lazy chunks) and the element (lucide.ts reads them), so both must agree.
//
// An icon is its SVG elements joined by "|". A path is its `d` (it starts with M or m);
// any other element is a one-letter code and its attribute values in a fixed order,
// comma-separated (polyline and polygon: the `points` value as it is).

/** One element of an icon, as lucide-static's icon-nodes.json gives it. */
export type LucideNode = [tag: string, attrs: Record<string, string>];

export const LUCIDE_SHARDS = 16;

/** FNV-1a over the name's UTF-16 code units, reduced to the index of its chunk. */
export function lucideShard(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h >>> 0) % LUCIDE_SHARDS;
}

const FIELDS: Record<string, readonly [code: string, attrs: readonly string[]]> = {
  circle: ["c", ["cx", "cy", "r", "fill"]],
  ellipse: ["e", ["cx", "cy", "rx", "ry"]],
  rect: ["r", ["x", "y", "width", "height", "rx", "ry"]],
  line: ["l", ["x1", "y1", "x2", "y2"]],
  polyline: ["p", ["points"]],
  polygon: ["g", ["points"]],
};
const TAGS: Record<string, string> = Object.fromEntries(Object.entries(FIELDS).map(([tag, [code]]) => [code, tag]));

/** Throws on an element or attribute the format cannot hold, so a new Lucide release fails the build, not the drawing. */
export function encodeLucide(nodes: LucideNode[]): string {
  return nodes
    .map(([tag, attrs]) => {
      const keys = Object.keys(attrs);
      if (tag === "path" && keys.length === 1 && /^[Mm]/.test(attrs.d ?? "")) return attrs.d;
      const spec = FIELDS[tag];
      if (!spec || keys.some((k) => !spec[1].includes(k))) throw new Error(`lucide: cannot encode <${tag} ${keys.join(" ")}>`);
      const values = spec[1].map((k) => attrs[k] ?? "");
      if (values.some((v) => /[|]/.test(v) || (spec[1].length > 1 && v.includes(",")))) throw new Error(`lucide: separator in <${tag}>`);
      while (values.length && values[values.length - 1] === "") values.pop();
      return spec[0] + values.join(",");
    })
    .join("|");
}

export function decodeLucide(encoded: string): LucideNode[] {
  return encoded.split("|").map((part): LucideNode => {
    if (part[0] === "M" || part[0] === "m") return ["path", { d: part }];
    const tag = TAGS[part[0]!] ?? "path";
    const names = FIELDS[tag]![1];
    const values = names.length === 1 ? [part.slice(1)] : part.slice(1).split(",");
    const attrs: Record<string, string> = {};
    names.forEach((k, i) => {
      if (values[i]) attrs[k] = values[i]!;
    });
    return [tag, attrs];
  });
}
