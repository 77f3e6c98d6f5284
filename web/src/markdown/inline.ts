// Inline Markdown (GFM flavour) rendered to an HTML string in one left-to-right scan.
// Every piece of source text is escaped on output; only markup this file builds is
// emitted, and the result is still passed through the sanitizer before it reaches the DOM.

/** Citation markers are spliced into the source as \uE000<n>\uE001 (see citations.ts). */
export const CITE_OPEN = "\uE000";
export const CITE_CLOSE = "\uE001";

export type InlineContext = { citation?: (n: number) => string };

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const PUNCT = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/** Links may only be http(s), mailto, chatkit-link, or scheme-less relative URLs. */
export function safeUrl(raw: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  const url = raw.trim().replace(/[\u0000-\u001F\u007F\s]+/g, "");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!scheme) return url.startsWith("//") ? null : url;
  return /^(https?|mailto|chatkit-link)$/i.test(scheme[1]!) ? url : null;
}

function findClosingBracket(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "`") {
      const end = s.indexOf("`", i + 1);
      if (end > 0) i = end;
    } else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
  }
  return -1;
}

/** Parses `(dest "title")` at s[i] === "("; returns [dest, title, end index]. */
function parseDestination(s: string, i: number): [string, string, number] | null {
  let j = i + 1;
  while (s[j] === " ") j++;
  let dest = "";
  if (s[j] === "<") {
    const end = s.indexOf(">", j);
    if (end < 0) return null;
    dest = s.slice(j + 1, end);
    j = end + 1;
  } else {
    let depth = 0;
    const start = j;
    for (; j < s.length; j++) {
      const c = s[j]!;
      if (c === "\\") j++;
      else if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) break;
        depth--;
      } else if (SPACE.test(c)) break;
    }
    dest = s.slice(start, j);
  }
  while (s[j] === " " || s[j] === "\n") j++;
  let title = "";
  const q = s[j];
  if (q === '"' || q === "'" || q === "(") {
    const close = q === "(" ? ")" : q;
    const end = s.indexOf(close, j + 1);
    if (end < 0) return null;
    title = s.slice(j + 1, end);
    j = end + 1;
    while (s[j] === " ") j++;
  }
  if (s[j] !== ")") return null;
  return [dest.replace(/\\(.)/g, "$1"), title, j + 1];
}

const BARE_URL = /^(?:https?:\/\/|www\.)[^\s<]*[^\s<?!.,:*_~'")\]]/;

function trimUrl(url: string): string {
  // Drop a trailing ")" that closes a parenthesis opened before the link.
  while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1);
  return url;
}

function link(href: string, inner: string, title: string): string {
  const url = safeUrl(href);
  if (url === null) return inner;
  const t = title ? ` title="${escapeHtml(title)}"` : "";
  return `<a href="${escapeHtml(url)}"${t} target="_blank" rel="noopener noreferrer">${inner}</a>`;
}

/** Delimiter-run flanking rules (CommonMark), simplified to the characters around the run. */
function canOpen(s: string, i: number, len: number, ch: string): boolean {
  const after = s[i + len];
  if (after === undefined || SPACE.test(after)) return false;
  if (ch !== "_") return true;
  const before = s[i - 1];
  return before === undefined || !WORD.test(before);
}

function findCloser(s: string, from: number, run: string): number {
  const ch = run[0]!;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "`") {
      const end = s.indexOf("`", i + 1);
      if (end > 0) i = end;
      continue;
    }
    if (!s.startsWith(run, i)) continue;
    let end = i;
    while (s[end] === ch) end++;
    const before = s[i - 1];
    if (before === undefined || SPACE.test(before)) {
      i = end - 1;
      continue;
    }
    if (ch === "_" && s[end] !== undefined && WORD.test(s[end]!)) {
      i = end - 1;
      continue;
    }
    return i;
  }
  return -1;
}

export function renderInline(src: string, ctx: InlineContext = {}): string {
  let out = "";
  let i = 0;
  const s = src;
  while (i < s.length) {
    const c = s[i]!;
    const math = c === "$" || (c === "\\" && s[i + 1] === "(") ? inlineMath(s, i) : null;
    if (math) {
      out += `<span class="ck-math" data-tex="${escapeHtml(math[0])}">${escapeHtml(math[0])}</span>`;
      i = math[1];
    } else if (c === "\\") {
      const next = s[i + 1];
      if (next === "\n") {
        out += "<br>";
        i += 2;
      } else if (next !== undefined && PUNCT.test(next)) {
        out += escapeHtml(next);
        i += 2;
      } else {
        out += "\\";
        i++;
      }
    } else if (c === "`") {
      let n = 0;
      while (s[i + n] === "`") n++;
      const fence = "`".repeat(n);
      let end = s.indexOf(fence, i + n);
      while (end > 0 && s[end + n] === "`") end = s.indexOf(fence, end + n + 1);
      if (end < 0) {
        out += fence;
        i += n;
      } else {
        let code = s.slice(i + n, end).replace(/\n/g, " ");
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        out += `<code>${escapeHtml(code)}</code>`;
        i = end + n;
      }
    } else if (c === "$") {
      out += "$";
      i++;
    } else if ((c === "!" && s[i + 1] === "[") || c === "[") {
      const img = c === "!";
      const open = img ? i + 1 : i;
      const close = findClosingBracket(s, open);
      const dest = close > 0 && s[close + 1] === "(" ? parseDestination(s, close + 1) : null;
      if (!dest) {
        out += escapeHtml(img ? "![" : "[");
        i = open + 1;
        continue;
      }
      const label = s.slice(open + 1, close);
      const [href, title, end] = dest;
      if (img) {
        const url = safeUrl(href);
        out +=
          url && !url.toLowerCase().startsWith("chatkit-link:") && !url.toLowerCase().startsWith("mailto:")
            ? `<img src="${escapeHtml(url)}" alt="${escapeHtml(label)}"${title ? ` title="${escapeHtml(title)}"` : ""}>`
            : escapeHtml(label);
      } else {
        out += link(href, renderInline(label, ctx), title);
      }
      i = end;
    } else if (c === "<") {
      const auto = /^<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[a-zA-Z]{2,})>/.exec(s.slice(i, i + 2048));
      if (auto) {
        const target = auto[1]!;
        const href = target.includes(":") ? target : `mailto:${target}`;
        out += link(href, escapeHtml(target), "");
        i += auto[0].length;
      } else {
        out += "&lt;";
        i++;
      }
    } else if (c === "*" || c === "_" || c === "~") {
      let n = 0;
      while (s[i + n] === c) n++;
      const consumed = emphasis(s, i, n, c, ctx);
      if (consumed) {
        out += consumed[0];
        i = consumed[1];
      } else {
        out += escapeHtml(s.slice(i, i + n));
        i += n;
      }
    } else if (c === "\n") {
      out = out.replace(/ +$/, "");
      out += "<br>";
      i++;
      while (s[i] === " ") i++;
    } else if (c === CITE_OPEN) {
      const end = s.indexOf(CITE_CLOSE, i);
      const n = parseInt(s.slice(i + 1, end), 10);
      out += end > 0 && ctx.citation ? ctx.citation(n) : "";
      i = end > 0 ? end + 1 : i + 1;
    } else if ((c === "h" || c === "w") && (i === 0 || /[\s(*_~]/.test(s[i - 1]!))) {
      const m = BARE_URL.exec(s.slice(i, i + 2048));
      if (m) {
        const url = trimUrl(m[0]);
        out += link(url.startsWith("www.") ? `https://${url}` : url, escapeHtml(url), "");
        i += url.length;
      } else {
        out += c;
        i++;
      }
    } else {
      // Copy a run of plain characters in one go.
      let j = i + 1;
      while (j < s.length && !/[\\`$![<*_~\nhw\uE000]/.test(s[j]!)) j++;
      out += escapeHtml(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

function emphasis(s: string, i: number, n: number, c: string, ctx: InlineContext): [string, number] | null {
  if (c === "~") {
    if (n !== 2 || !canOpen(s, i, 2, c)) return null;
    const end = findCloser(s, i + 2, "~~");
    return end < 0 ? null : [`<del>${renderInline(s.slice(i + 2, end), ctx)}</del>`, end + 2];
  }
  if (!canOpen(s, i, n, c)) return null;
  const len = Math.min(n, 3);
  if (len === 3) {
    const end = findCloser(s, i + 3, c.repeat(3));
    if (end >= 0) return [`<em><strong>${renderInline(s.slice(i + 3, end), ctx)}</strong></em>`, end + 3];
  }
  if (len >= 2) {
    const end = findCloser(s, i + 2, c.repeat(2));
    if (end >= 0) return [`<strong>${renderInline(s.slice(i + 2, end), ctx)}</strong>`, end + 2];
  }
  const end = findCloser(s, i + 1, c);
  if (end >= 0) return [`<em>${renderInline(s.slice(i + 1, end), ctx)}</em>`, end + 1];
  return null;
}

/** `$tex$` (not `$ 5`, not `$5$x`... a currency-safe subset) or `\(tex\)`; returns [tex, end]. */
function inlineMath(s: string, i: number): [string, number] | null {
  if (s[i] === "\\") {
    const end = s.indexOf("\\)", i + 2);
    return end < 0 ? null : [s.slice(i + 2, end), end + 2];
  }
  if (s[i + 1] === "$") {
    const end = s.indexOf("$$", i + 2);
    return end < 0 ? null : [s.slice(i + 2, end), end + 2];
  }
  const first = s[i + 1];
  if (first === undefined || SPACE.test(first)) return null;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === "\\") j++;
    else if (c === "\n" && s[j + 1] === "\n") return null;
    else if (c === "$") {
      if (SPACE.test(s[j - 1]!) || /\d/.test(s[j + 1] ?? "")) return null;
      return [s.slice(i + 1, j), j + 1];
    }
  }
  return null;
}
