// GitHub-flavoured Markdown block structure: a line-based parser that produces a tree of
// blocks. Raw HTML is not a block type here: it stays text and is escaped by the inline
// renderer, so server-sent HTML never reaches the DOM as markup.

export type Align = "" | "left" | "center" | "right";
export type ListItem = { task: boolean | null; blocks: Block[] };
export type Block =
  | { t: "p"; text: string }
  | { t: "h"; level: number; text: string }
  | { t: "hr" }
  | { t: "code"; lang: string; code: string }
  | { t: "math"; tex: string }
  | { t: "quote"; blocks: Block[] }
  | { t: "list"; ordered: boolean; start: number; loose: boolean; items: ListItem[] }
  | { t: "table"; align: Align[]; head: string[]; rows: string[][] };

/** A top-level block with the index of the line it starts on. */
export type Located = { block: Block; line: number };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const MATH_FENCE = /^ {0,3}\$\$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const TABLE_DELIM = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const TASK = /^\[([ xX])\](?:[ \t]+|$)/;

const isBlank = (line: string): boolean => /^[ \t]*$/.test(line);
const indentOf = (line: string): number => {
  let n = 0;
  for (const ch of line) {
    if (ch === " ") n++;
    else if (ch === "\t") n += 4 - (n % 4);
    else break;
  }
  return n;
};
/** Removes up to `n` columns of leading indentation. */
const dedent = (line: string, n: number): string => {
  let cols = 0;
  let i = 0;
  while (i < line.length && cols < n) {
    const ch = line[i];
    if (ch === " ") cols++;
    else if (ch === "\t") cols += 4 - (cols % 4);
    else break;
    i++;
  }
  return line.slice(i);
};

/** Can this line interrupt a paragraph (i.e. start a new block right after text)? */
function interrupts(line: string): boolean {
  if (FENCE.test(line) || MATH_FENCE.test(line) || HEADING.test(line) || HR.test(line) || QUOTE.test(line)) return true;
  const m = LIST_ITEM.exec(line);
  // Only non-empty bullets and lists starting at 1 interrupt a paragraph (CommonMark).
  return !!m && m[3] !== "" && (!/\d/.test(m[2]!) || parseInt(m[2]!, 10) === 1);
}

export function splitCells(row: string): string[] {
  let s = row.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = "";
  let code = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "\\" && s[i + 1] === "|") {
      cur += "|";
      i++;
    } else if (ch === "`") {
      code = !code;
      cur += ch;
    } else if (ch === "|" && !code) {
      cells.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

function parseAlign(delim: string): Align[] {
  return splitCells(delim).map((c) => {
    const l = c.startsWith(":");
    const r = c.endsWith(":");
    return l && r ? "center" : r ? "right" : l ? "left" : "";
  });
}

export function parseBlocks(src: string): Block[] {
  return parseLocated(src.split(/\r\n|\r|\n/)).map((b) => b.block);
}

export function parseLocated(lines: string[]): Located[] {
  const out: Located[] = [];
  let i = 0;
  const n = lines.length;
  while (i < n) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const start = i;
    let m: RegExpExecArray | null;
    if ((m = FENCE.exec(line))) {
      const fence = m[1]!;
      const indent = indentOf(line);
      const body: string[] = [];
      i++;
      while (i < n) {
        const l = lines[i]!;
        const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(l);
        if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) {
          i++;
          break;
        }
        body.push(dedent(l, indent));
        i++;
      }
      out.push({ block: { t: "code", lang: m[2] ?? "", code: body.join("\n") }, line: start });
    } else if (MATH_FENCE.test(line)) {
      const first = line.replace(MATH_FENCE, "");
      const oneLine = /^(.*)\$\$[ \t]*$/.exec(first);
      if (oneLine) {
        out.push({ block: { t: "math", tex: oneLine[1]!.trim() }, line: start });
        i++;
        continue;
      }
      const body = first.trim() ? [first] : [];
      i++;
      while (i < n) {
        const l = lines[i]!;
        i++;
        const end = /^(.*?)\$\$[ \t]*$/.exec(l);
        if (end) {
          if (end[1]!.trim()) body.push(end[1]!);
          break;
        }
        body.push(l);
      }
      out.push({ block: { t: "math", tex: body.join("\n") }, line: start });
    } else if ((m = HEADING.exec(line))) {
      out.push({ block: { t: "h", level: m[1]!.length, text: m[2] ?? "" }, line: start });
      i++;
    } else if (HR.test(line)) {
      out.push({ block: { t: "hr" }, line: start });
      i++;
    } else if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < n && !isBlank(lines[i]!)) {
        const l = lines[i]!;
        if (QUOTE.test(l)) body.push(l.replace(QUOTE, ""));
        else if (interrupts(l)) break;
        else body.push(l); // lazy continuation
        i++;
      }
      out.push({ block: { t: "quote", blocks: parseBlocks(body.join("\n")) }, line: start });
    } else if (LIST_ITEM.test(line)) {
      const [list, next] = parseList(lines, i);
      out.push({ block: list, line: start });
      i = next;
    } else if (indentOf(line) >= 4) {
      const body: string[] = [];
      while (i < n && (indentOf(lines[i]!) >= 4 || isBlank(lines[i]!))) body.push(dedent(lines[i++]!, 4));
      while (body.length && isBlank(body[body.length - 1]!)) body.pop();
      out.push({ block: { t: "code", lang: "", code: body.join("\n") }, line: start });
    } else if (line.includes("|") && i + 1 < n && TABLE_DELIM.test(lines[i + 1]!) && lines[i + 1]!.includes("-")) {
      const head = splitCells(line);
      const align = parseAlign(lines[i + 1]!);
      i += 2;
      const rows: string[][] = [];
      while (i < n && !isBlank(lines[i]!) && lines[i]!.includes("|") && !interrupts(lines[i]!)) {
        rows.push(splitCells(lines[i++]!));
      }
      out.push({ block: { t: "table", align, head, rows }, line: start });
    } else {
      const body = [line.trim()];
      i++;
      let heading = 0;
      while (i < n && !isBlank(lines[i]!)) {
        const l = lines[i]!;
        const setext = SETEXT.exec(l);
        if (setext && indentOf(l) < 4) {
          heading = setext[1]![0] === "=" ? 1 : 2;
          i++;
          break;
        }
        if (interrupts(l)) break;
        body.push(l.trim());
        i++;
      }
      const text = body.join("\n");
      out.push({ block: heading ? { t: "h", level: heading, text } : { t: "p", text }, line: start });
    }
  }
  return out;
}

function parseList(lines: string[], from: number): [Block, number] {
  const first = LIST_ITEM.exec(lines[from]!)!;
  const ordered = /\d/.test(first[2]!);
  const bullet = ordered ? first[2]!.slice(-1) : first[2]!;
  const start = ordered ? parseInt(first[2]!, 10) : 1;
  const items: ListItem[] = [];
  let loose = false;
  let i = from;
  const n = lines.length;
  while (i < n) {
    const m = LIST_ITEM.exec(lines[i]!);
    if (!m) break;
    const marker = m[2]!;
    const same = ordered ? /\d/.test(marker) && marker.slice(-1) === bullet : marker === bullet;
    if (!same) break;
    // Content starts after the marker and its spaces (1 space if followed by 5+, per spec).
    const spaces = m[3]!.length;
    const width = m[1]!.length + marker.length + (spaces >= 5 || spaces === 0 ? 1 : spaces);
    const body: string[] = [lines[i]!.slice(m[0].length)];
    if (spaces >= 5) body[0] = " ".repeat(spaces - 1) + body[0];
    i++;
    let sawBlank = false;
    while (i < n) {
      const l = lines[i]!;
      if (isBlank(l)) {
        body.push("");
        sawBlank = true;
        i++;
        continue;
      }
      if (indentOf(l) >= width) {
        if (sawBlank) loose = loose || body.slice(0, -1).some((b) => b !== "");
        body.push(dedent(l, width));
        sawBlank = false;
        i++;
        continue;
      }
      // A lazy continuation line of the item's paragraph.
      if (!sawBlank && !interrupts(l) && !LIST_ITEM.test(l)) {
        body.push(l.trim());
        i++;
        continue;
      }
      break;
    }
    // Trailing blanks separate this item from the next: the list is loose if one follows.
    let trailing = 0;
    while (body.length > 1 && body[body.length - 1] === "") {
      body.pop();
      trailing++;
    }
    const next = i < n ? LIST_ITEM.exec(lines[i]!) : null;
    if (trailing && next && (ordered ? /\d/.test(next[2]!) : next[2] === bullet)) loose = true;
    if (trailing && !next) i -= trailing; // give the blank lines back to the parent
    let task: boolean | null = null;
    const tm = TASK.exec(body[0]!);
    if (tm) {
      task = tm[1] !== " ";
      body[0] = body[0]!.slice(tm[0].length);
    }
    items.push({ task, blocks: parseBlocks(body.join("\n")) });
  }
  return [{ t: "list", ordered, start, loose, items }, i];
}
