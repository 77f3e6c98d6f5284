// A small, language-agnostic code highlighter (its own lazy chunk): comments, strings,
// numbers, common keywords and called names. It builds DOM nodes from the code's text
// (never HTML strings), so nothing in the code can become markup.

const KEYWORDS = new Set(
  (
    "abstract and as assert async await break case catch class const continue def default del delete do elif else " +
    "enum except export extends false final finally fn for from func function go if impl import in instanceof " +
    "interface is lambda let match mod module mut new nil none not null or package pass private protected pub " +
    "public raise return select self static struct super switch this throw true try type typeof use var void " +
    "where while with yield True False None SELECT FROM WHERE INSERT UPDATE DELETE JOIN ON GROUP BY ORDER LIMIT " +
    "AND OR NOT NULL AS CREATE TABLE INTO VALUES then fi done esac echo"
  ).split(" "),
);

// One alternation; the group that matched names the token kind.
const TOKEN =
  /(\/\/[^\n]*|\/\*[\s\S]*?\*\/|#[^\n]*|--[^\n]*)|("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b|\b0x[\da-f]+\b)|([A-Za-z_$][\w$]*)/gi;

const HASH_COMMENTS = /^(py|python|sh|bash|shell|zsh|rb|ruby|r|yaml|yml|toml|perl|pl|make|makefile|dockerfile|conf|ini)$/i;
const DASH_COMMENTS = /^(sql|lua|haskell|hs)$/i;
const MAX_CHARS = 20_000;

export function highlight(code: HTMLElement, lang: string): void {
  const text = code.textContent ?? "";
  if (!text || text.length > MAX_CHARS) return;
  const doc = code.ownerDocument;
  const out = doc.createDocumentFragment();
  let last = 0;
  const span = (cls: string, value: string): void => {
    const el = doc.createElement("span");
    el.className = cls;
    el.textContent = value;
    out.appendChild(el);
  };
  for (const m of text.matchAll(TOKEN)) {
    const [token, comment, string, number, word] = m;
    const at = m.index ?? 0;
    let cls: string | null = null;
    if (comment) {
      const hash = comment.startsWith("#");
      const dash = comment.startsWith("--");
      if ((hash && HASH_COMMENTS.test(lang)) || (dash && DASH_COMMENTS.test(lang)) || (!hash && !dash)) cls = "ck-hl-c";
    } else if (string) cls = "ck-hl-s";
    else if (number) cls = "ck-hl-n";
    else if (word && KEYWORDS.has(word)) cls = "ck-hl-k";
    else if (word && text[at + token.length] === "(") cls = "ck-hl-f";
    if (!cls) continue;
    if (at > last) out.appendChild(doc.createTextNode(text.slice(last, at)));
    span(cls, token);
    last = at + token.length;
  }
  if (last === 0) return;
  if (last < text.length) out.appendChild(doc.createTextNode(text.slice(last)));
  code.replaceChildren(out);
}
