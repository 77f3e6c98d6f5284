// Reading props from untrusted widget JSON: every reader returns a value of the
// expected type or undefined, so a malformed prop degrades to the default.

/** A string prop; numbers are accepted as their decimal text. */
export const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;

/** A finite number prop. */
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** One of a fixed set of string values. */
export const oneOf = <T extends string>(v: unknown, values: readonly T[]): T | undefined => values.find((x) => x === v);

/** A plain object prop (never an array). */
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A list prop: its object entries only. */
export const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!obj(x)) : [];
