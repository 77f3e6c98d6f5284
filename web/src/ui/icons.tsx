// Icons. ChatKit's own names (ChatKitIcon, WidgetIcon, HeaderIcon) are a built-in set of
// small stroke paths on a 24px grid; names without a drawing of their own share the
// closest shape. `lucide:<name>` draws Lucide's icon of that name from a lazy chunk
// (lucide.ts), so the main bundle carries none of the Lucide set.
import { h } from "preact";
import { useLucideGlyph } from "./lucide";

const CIRCLE = "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z";
const SQUARE = "M4 4h16v16H4z";
const PATHS: Record<string, string> = {
  plus: "M12 5v14M5 12h14",
  close: "M6 6l12 12M18 6L6 18",
  check: "M5 12l5 5L20 7",
  "chevron-left": "M15 18l-6-6 6-6",
  "chevron-right": "M9 6l6 6-6 6",
  "chevron-down": "M6 9l6 6 6-6",
  "chevron-up": "M6 15l6-6 6 6",
  "arrow-up": "M12 19V5M5 12l7-7 7 7",
  stop: "M8 8h8v8H8z",
  paperclip: "M20 11.5l-8 8a5 5 0 0 1-7-7L13.5 4a3.5 3.5 0 0 1 5 5L10 17.5a2 2 0 0 1-3-3L14.5 7",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  "thumbs-up": "M7 10v10H4V10zM7 10l4-7a2 2 0 0 1 2 2v4h6a2 2 0 0 1 2 2.3l-1.6 7a2 2 0 0 1-2 1.7H7",
  "thumbs-down": "M17 14V4h3v10zM17 14l-4 7a2 2 0 0 1-2-2v-4H5a2 2 0 0 1-2-2.3l1.6-7A2 2 0 0 1 6.6 4H17",
  reload: "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
  history: "M3 12a9 9 0 1 0 2.6-6.4M3 4v4h4M12 7v5l3 3",
  compose: "M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z",
  mic: "M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3zM5 11a7 7 0 0 0 14 0M12 18v3",
  at: "M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0zM16 12v1.5a2.5 2.5 0 0 0 5 0V12a9 9 0 1 0-3.5 7.1",
  search: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4",
  sparkle: "M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z",
  "sparkle-double": "M10 4l1.5 4.5L16 10l-4.5 1.5L10 16l-1.5-4.5L4 10l4.5-1.5zM18 14l.8 2.2L21 17l-2.2.8L18 20l-.8-2.2L15 17l2.2-.8z",
  "book-open": "M2 5h7a3 3 0 0 1 3 3v12a2 2 0 0 0-2-2H2zM22 5h-7a3 3 0 0 0-3 3v12a2 2 0 0 1 2-2h8z",
  "book-closed": "M5 4h13v16H7a2 2 0 0 1-2-2zM5 18a2 2 0 0 1 2-2h11",
  "circle-question": `${CIRCLE}M9.5 9a2.5 2.5 0 1 1 5 .5c0 1.5-2.5 2-2.5 3.5M12 17h.01`,
  info: `${CIRCLE}M12 11v5M12 8h.01`,
  globe: `${CIRCLE}M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18`,
  document: "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6",
  "page-blank": "M6 3h8l4 4v14H6zM14 3v4h4",
  calendar: "M4 6h16v14H4zM4 10h16M8 3v4M16 3v4",
  bolt: "M13 2L4 14h7l-1 8 9-12h-7z",
  lightbulb: "M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z",
  star: "M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3l-5.5 2.9 1-6.2L3 9.6l6.2-.9z",
  "map-pin": "M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11zM12 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z",
  maps: "M3 6l6-3 6 3 6-3v15l-6 3-6-3-6 3zM9 3v15M15 6v15",
  user: "M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM4 21a8 8 0 0 1 16 0",
  "profile-card": "M3 5h18v14H3zM9 9.5a1.5 1.5 0 1 0 0 .01M6.5 15a2.5 2.5 0 0 1 5 0M15 10h3M15 14h3",
  mail: "M3 5h18v14H3zM3 6l9 7 9-7",
  phone: "M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z",
  chart: "M4 20V10M10 20V4M16 20v-7M22 20H2",
  analytics: "M3 17l6-6 4 4 8-8M15 7h6v6",
  "settings-slider": "M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1M15 4v4M9 10v4M17 16v4",
  "dots-horizontal": "M5 12h.01M12 12h.01M19 12h.01",
  "dots-vertical": "M12 5h.01M12 12h.01M12 19h.01",
  "external-link": "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6",
  images: `${SQUARE}M4 16l5-5 4 4 3-3 4 4M15 8.5h.01`,
  "square-code": `${SQUARE}M10 9l-3 3 3 3M14 9l3 3-3 3`,
  "square-text": `${SQUARE}M8 9h8M8 13h8M8 17h5`,
  play: "M7 4l13 8-13 8z",
  clock: `${CIRCLE}M12 7v5l3 3`,
  "check-circle": `${CIRCLE}M8 12l3 3 5-6`,
  "empty-circle": CIRCLE,
  dot: "M12 11a1 1 0 1 0 0 2 1 1 0 0 0 0-2z",
  "sidebar-left": `${SQUARE}M9 4v16`,
  "sidebar-right": `${SQUARE}M15 4v16`,
  home: "M3 11l9-8 9 8M5 10v10h14V10",
  menu: "M4 6h16M4 12h16M4 18h16",
  share: "M12 3v13M7 8l5-5 5 5M5 14v6h14v-6",
  "light-mode": "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4",
  "dark-mode": "M20 14.5A8 8 0 0 1 9.5 4 8 8 0 1 0 20 14.5z",
  grid: "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
  bug: "M8 9h8v7a4 4 0 0 1-8 0zM12 9v11M4 13h4M16 13h4M5 8l3 2M19 8l-3 2M9 6a3 3 0 0 1 6 0",
  cube: "M12 2l9 5v10l-9 5-9-5V7zM12 12l9-5M12 12v10M12 12L3 7",
  suitcase: "M4 7h16v13H4zM9 7V4h6v3",
  keys: "M15 3a6 6 0 0 0-5.6 8.2L3 17.6V21h3.4l1-1v-2h2v-2h2l1.4-1.4A6 6 0 1 0 15 3zM16 7h.01",
  notebook: "M6 3h13v18H6zM4 7h4M4 12h4M4 17h4",
  desktop: "M3 4h18v12H3zM8 20h8M12 16v4",
  mobile: "M7 2h10v20H7zM11 18h2",
  lifesaver: `${CIRCLE}M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z`,
  expand: "M4 14v6h6M20 10V4h-6M4 20l7-7M20 4l-7 7",
  collapse: "M10 4v6H4M14 20v-6h6M4 10l6-6M20 14l-6 6",
  "double-chevron-left": "M11 18l-6-6 6-6M19 18l-6-6 6-6",
  "double-chevron-right": "M5 6l6 6-6 6M13 6l6 6-6 6",
  agent: "M8 9h8v8H8zM12 5v4M10 13h.01M14 13h.01M5 13h3M16 13h3",
  atom: `M12 11a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM12 3c2.5 0 4 4 4 9s-1.5 9-4 9-4-4-4-9 1.5-9 4-9zM4.2 7.5c1.3-2.2 5.5-1.5 9.8 1s7 5.8 5.8 8-5.5 1.5-9.8-1-7-5.8-5.8-8z`,
  compass: `${CIRCLE}M15.5 8.5l-2 5-5 2 2-5z`,
};

const ALIASES: Record<string, string> = {
  "check-circle-filled": "check-circle", "star-filled": "star", "book-clock": "book-closed", batch: "square-text",
  confetti: "sparkle", wreath: "star", lab: "atom", "notebook-pencil": "notebook", "square-image": "images",
  profile: "user", name: "profile-card", write: "compose", "write-alt": "compose", "write-alt2": "compose",
  "sidebar-open-left": "sidebar-left", "sidebar-open-right": "sidebar-right", "sidebar-open-left-alt": "sidebar-left",
  "sidebar-open-right-alt": "sidebar-right", "sidebar-floating-left": "sidebar-left", "sidebar-floating-right": "sidebar-right",
  "sidebar-floating-open-left": "sidebar-left", "sidebar-floating-open-right": "sidebar-right",
  "sidebar-collapse-left": "sidebar-left", "sidebar-collapse-right": "sidebar-right", "collapse-left": "chevron-left",
  "collapse-right": "chevron-right", "open-left": "chevron-left", "open-right": "chevron-right", "home-alt": "home",
  "back-small": "chevron-left", "back-large": "chevron-left", "expand-large": "expand", "collapse-large": "collapse",
  "expand-small": "expand", "collapse-small": "collapse", "chat-temporary": "compose", "settings-cog": "settings-slider",
  "dots-horizontal-circle": "dots-horizontal", "dots-vertical-circle": "dots-vertical", "menu-inverted": "menu",
  hamburger: "menu",
};

const FILLED = new Set(["stop", "star-filled", "check-circle-filled", "dot", "play"]);
const FALLBACK = `${CIRCLE}M12 12h.01`;

const LUCIDE = "lucide:";

/** The built-in drawing for a ChatKit icon name (the neutral glyph for an unknown name). */
function iconPath(name: string): string {
  return PATHS[name] ?? PATHS[ALIASES[name] ?? ""] ?? FALLBACK;
}

export function Icon({ name, size = 16, label }: { name: string; size?: number | string; label?: string }) {
  const isLucide = name.startsWith(LUCIDE);
  const lucide = useLucideGlyph(isLucide ? name.slice(LUCIDE.length) : null);
  const filled = FILLED.has(name);
  return (
    <svg
      class="ck-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={filled ? "currentColor" : "none"}
      stroke="currentColor"
      stroke-width={name.startsWith("dots") ? 3 : 2}
      stroke-linecap="round"
      stroke-linejoin="round"
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : "true"}
      focusable="false"
    >
      {!isLucide ? (
        <path d={iconPath(name)} />
      ) : lucide === undefined ? null : lucide === null ? (
        <path d={FALLBACK} />
      ) : (
        lucide.map(([tag, attrs]) => h(tag, attrs))
      )}
    </svg>
  );
}
