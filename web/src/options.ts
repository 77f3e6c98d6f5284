// The ChatKitOptions tree (the public contract) and its normalization into the resolved
// form the UI reads. setOptions replaces the whole tree; unknown keys are ignored because
// normalize() only ever reads the keys it knows.
import type { Attachment, UserMessageContentInput } from "./protocol/types";
import type { WidgetRoot } from "./widgets/types";

export type Entity = {
  title: string;
  id: string;
  icon?: string;
  interactive?: boolean;
  group?: string;
  data?: Record<string, string>;
};
export type Command = { id: string; label: string; description?: string; icon?: string; group?: string };
export type CommandSelection = { type: "entity"; entity: Entity } | { type: "menu"; commands: Command[] };
export type ToolOption = {
  id: string;
  label: string;
  icon: string;
  shortLabel?: string;
  placeholderOverride?: string;
  pinned?: boolean;
  persistent?: boolean;
};
export type ModelOption = { id: string; label: string; description?: string; disabled?: boolean; default?: boolean };
export type UploadStrategy = { type: "two_phase" } | { type: "direct"; uploadUrl: string };
export type FontObject = {
  family: string;
  src: string;
  weight?: string | number;
  style?: "normal" | "italic" | "oblique";
  display?: "auto" | "block" | "swap" | "fallback" | "optional";
  unicodeRange?: string;
};
export type ColorScheme = "light" | "dark";
export type ThemeOption = {
  colorScheme?: ColorScheme;
  radius?: "pill" | "round" | "soft" | "sharp";
  density?: "compact" | "normal" | "spacious";
  typography?: { baseSize?: number; fontFamily?: string; fontFamilyMono?: string; fontSources?: FontObject[] };
  color?: {
    grayscale?: { hue: number; tint: number; shade?: number };
    accent?: { primary: string; level: number };
    surface?: { background: string; foreground: string };
  };
};
export type ClientToolHandler = (call: {
  name: string;
  params: Record<string, unknown>;
}) => Promise<Record<string, unknown>> | Record<string, unknown>;
export type WidgetActionHandler = (
  action: { type: string; payload?: Record<string, unknown> },
  widgetItem: { id: string; widget: WidgetRoot },
) => Promise<void> | void;

export type ChatKitOptions = {
  api:
    | { url: string; domainKey?: string; fetch?: typeof fetch; uploadStrategy?: UploadStrategy }
    | {
        getClientSecret: (current: string | null) => Promise<string>;
        /** Hosted mode: where `/v1/chatkit/conversation` lives (default: the script's origin). */
        baseUrl?: string;
      };
  locale?: string;
  theme?: ColorScheme | ThemeOption;
  frameTitle?: string;
  initialThread?: string | null;
  onClientTool?: ClientToolHandler;
  header?: {
    enabled?: boolean;
    title?: { enabled?: boolean; text?: string };
    leftAction?: { icon: string; onClick: () => void };
    rightAction?: { icon: string; onClick: () => void };
  };
  history?: { enabled?: boolean; showDelete?: boolean; showRename?: boolean };
  startScreen?: { greeting?: string; prompts?: { label: string; prompt: string | UserMessageContentInput[]; icon?: string }[] };
  threadItemActions?: { feedback?: boolean; retry?: boolean };
  composer?: {
    placeholder?: string;
    attachments?: {
      enabled: boolean;
      maxSize?: number | Record<string, number>;
      maxCount?: number;
      accept?: Record<string, string[]>;
    };
    tools?: ToolOption[];
    models?: ModelOption[];
    dictation?: { enabled: boolean };
  };
  disclaimer?: { text: string; highContrast?: boolean };
  entities?: {
    onTagSearch?: (query: string) => Promise<Entity[]>;
    showComposerMenu?: boolean;
    onClick?: (entity: Entity) => void;
    onRequestPreview?: (entity: Entity) => Promise<{ preview: WidgetRoot | null }>;
  };
  commands?: {
    enabled: boolean;
    onSearch?: (query: string) => Promise<Command[]>;
    // biome-ignore lint/suspicious/noConfusingVoidType: the official signature; a handler may return nothing
    onSelect?: (command: Command) => Promise<void | CommandSelection>;
  };
  widgets?: { onAction?: WidgetActionHandler };
  thread?: { autoScroll?: boolean };
};

export type SendUserMessageParams = {
  text?: string;
  content?: UserMessageContentInput[];
  reply?: string;
  attachments?: Attachment[];
  newThread?: boolean;
  toolChoice?: { id: string };
  model?: string;
};
export type SetComposerValueParams = {
  text?: string;
  content?: UserMessageContentInput[];
  reply?: string;
  attachments?: Attachment[];
  files?: File[];
  selectedToolId?: string | null;
  selectedModelId?: string;
};

// --- resolved options ------------------------------------------------------------------

export type ResolvedApi =
  | { kind: "custom"; url: string; fetch: typeof fetch | undefined; uploadStrategy: UploadStrategy | undefined }
  | { kind: "hosted"; getClientSecret: (current: string | null) => Promise<string>; baseUrl: string | undefined };

export type AttachmentLimits = {
  enabled: boolean;
  maxSize: number | Record<string, number>;
  maxCount: number;
  accept: Record<string, string[]> | undefined;
};

export type ResolvedOptions = {
  api: ResolvedApi | undefined;
  locale: string | undefined;
  theme: ThemeOption;
  frameTitle: string;
  initialThread: string | null;
  onClientTool: ClientToolHandler | undefined;
  header: NonNullable<ChatKitOptions["header"]> & { enabled: boolean };
  history: { enabled: boolean; showDelete: boolean; showRename: boolean };
  startScreen: { greeting: string | undefined; prompts: NonNullable<NonNullable<ChatKitOptions["startScreen"]>["prompts"]> };
  threadItemActions: { feedback: boolean; retry: boolean };
  composer: {
    placeholder: string | undefined;
    attachments: AttachmentLimits;
    tools: ToolOption[];
    models: ModelOption[];
    dictation: boolean;
  };
  disclaimer: ChatKitOptions["disclaimer"];
  entities: NonNullable<ChatKitOptions["entities"]>;
  commands: ChatKitOptions["commands"];
  widgets: NonNullable<ChatKitOptions["widgets"]>;
  autoScroll: boolean;
};

export const DEFAULT_MAX_SIZE = 100 * 1024 * 1024;
export const DEFAULT_MAX_COUNT = 10;

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === "object" && !Array.isArray(v) ? (v as Loose) : {});
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);
const fn = <F>(v: unknown): F | undefined => (typeof v === "function" ? (v as F) : undefined);

function resolveApi(raw: unknown): ResolvedApi | undefined {
  const api = obj(raw);
  const getClientSecret = fn<(current: string | null) => Promise<string>>(api.getClientSecret);
  if (getClientSecret) return { kind: "hosted", getClientSecret, baseUrl: str(api.baseUrl) };
  const url = str(api.url);
  if (!url) return undefined;
  const strategy = obj(api.uploadStrategy);
  let uploadStrategy: UploadStrategy | undefined;
  if (strategy.type === "two_phase") uploadStrategy = { type: "two_phase" };
  else if (strategy.type === "direct" && str(strategy.uploadUrl))
    uploadStrategy = { type: "direct", uploadUrl: strategy.uploadUrl as string };
  // domainKey is accepted and ignored: there is no domain verification here.
  return { kind: "custom", url, fetch: fn<typeof fetch>(api.fetch), uploadStrategy };
}

/** `theme: "dark"` is shorthand for `{colorScheme: "dark"}`. */
export function resolveTheme(raw: unknown): ThemeOption {
  if (raw === "light" || raw === "dark") return { colorScheme: raw };
  return obj(raw) as ThemeOption;
}

export function normalizeOptions(input: unknown): ResolvedOptions {
  const o = obj(input);
  const header = obj(o.header);
  const history = obj(o.history);
  const start = obj(o.startScreen);
  const actions = obj(o.threadItemActions);
  const composer = obj(o.composer);
  const attachments = obj(composer.attachments);
  const maxSize = attachments.maxSize;
  return {
    api: resolveApi(o.api),
    locale: str(o.locale),
    theme: resolveTheme(o.theme),
    frameTitle: str(o.frameTitle) ?? "Chat",
    initialThread: str(o.initialThread) ?? null,
    onClientTool: fn(o.onClientTool),
    header: { ...(header as ChatKitOptions["header"]), enabled: bool(header.enabled, true) },
    history: {
      enabled: bool(history.enabled, true),
      showDelete: bool(history.showDelete, true),
      showRename: bool(history.showRename, true),
    },
    startScreen: { greeting: str(start.greeting), prompts: arr(start.prompts) },
    threadItemActions: { feedback: bool(actions.feedback, false), retry: bool(actions.retry, false) },
    composer: {
      placeholder: str(composer.placeholder),
      attachments: {
        enabled: bool(attachments.enabled, false),
        maxSize:
          typeof maxSize === "number" || (maxSize && typeof maxSize === "object")
            ? (maxSize as number | Record<string, number>)
            : DEFAULT_MAX_SIZE,
        maxCount: typeof attachments.maxCount === "number" ? attachments.maxCount : DEFAULT_MAX_COUNT,
        accept: attachments.accept ? (obj(attachments.accept) as Record<string, string[]>) : undefined,
      },
      tools: arr<ToolOption>(composer.tools).filter((t) => t && typeof t.id === "string"),
      models: arr<ModelOption>(composer.models).filter((m) => m && typeof m.id === "string"),
      dictation: bool(obj(composer.dictation).enabled, false),
    },
    disclaimer: str(obj(o.disclaimer).text) ? (o.disclaimer as ChatKitOptions["disclaimer"]) : undefined,
    entities: obj(o.entities) as NonNullable<ChatKitOptions["entities"]>,
    commands: obj(o.commands).enabled === true ? (o.commands as ChatKitOptions["commands"]) : undefined,
    widgets: obj(o.widgets) as NonNullable<ChatKitOptions["widgets"]>,
    autoScroll: bool(obj(o.thread).autoScroll, false),
  };
}

/** Does a MIME type match a pattern like `image/*`, `*` or `application/pdf`? */
export function mimeMatches(pattern: string, mime: string): boolean {
  if (pattern === "*" || pattern === "" || pattern === "*/*") return true;
  const p = pattern.toLowerCase();
  const m = mime.toLowerCase();
  return p.endsWith("/*") ? m.startsWith(p.slice(0, -1)) : p === m;
}

/**
 * The size limit for one file. A map is matched most-specific first (exact type, then
 * `type/*`); a `"*"` or `""` key is the fallback, otherwise the documented default.
 */
export function maxSizeFor(limit: number | Record<string, number>, mime: string): number {
  if (typeof limit === "number") return limit;
  let best: { score: number; size: number } | undefined;
  for (const [pattern, size] of Object.entries(limit)) {
    if (typeof size !== "number" || !mimeMatches(pattern, mime)) continue;
    const score = pattern === "*" || pattern === "" || pattern === "*/*" ? 0 : pattern.endsWith("/*") ? 1 : 2;
    if (!best || score > best.score) best = { score, size };
  }
  return best ? best.size : DEFAULT_MAX_SIZE;
}

/** Does a file pass `accept` (a showOpenFilePicker-style map of MIME patterns to extensions)? */
export function isAccepted(accept: Record<string, string[]> | undefined, file: { name: string; type: string }): boolean {
  if (!accept) return true;
  const name = file.name.toLowerCase();
  return Object.entries(accept).some(
    ([mime, exts]) => mimeMatches(mime, file.type || "") || arr<string>(exts).some((e) => name.endsWith(e.toLowerCase())),
  );
}

/** The `accept` attribute for a file input. */
export function acceptAttribute(accept: Record<string, string[]> | undefined): string | undefined {
  if (!accept) return undefined;
  return Object.entries(accept)
    .flatMap(([mime, exts]) => [mime, ...arr<string>(exts)])
    .join(",");
}
