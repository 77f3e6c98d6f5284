// The ChatKit wire protocol as the element sees it. Field names are the contract.
// Everything here arrives from the server and is treated as untrusted data.
import type { WidgetComponent, WidgetRoot } from "../widgets/types";

export type Page<T> = { data: T[]; has_more: boolean; after?: string | null };

export type ThreadStatus = { type: "active" } | { type: "locked"; reason?: string } | { type: "closed"; reason?: string };

export type ThreadMetadata = {
  id: string;
  title?: string | null;
  created_at: string;
  status?: ThreadStatus;
  allowed_image_domains?: string[] | null;
};

export type Thread = ThreadMetadata & { items: Page<ThreadItem> };

// --- content ---------------------------------------------------------------------------

export type InputTextContent = { type: "input_text"; text: string };
export type InputTagContent = {
  type: "input_tag";
  id: string;
  text: string;
  data: Record<string, unknown>;
  group?: string | null;
  interactive?: boolean;
};
export type UserMessageContent = InputTextContent | InputTagContent;
/**
 * Content as the page may pass it (`sendUserMessage`, `setComposerValue`, start-screen
 * prompts): the official types make a tag's `data` optional; the wire requires it.
 */
export type UserMessageContentInput = InputTextContent | (Omit<InputTagContent, "data"> & { data?: Record<string, unknown> });

export type SourceBase = { title: string; description?: string; timestamp?: string; group?: string };
export type URLSource = SourceBase & { type: "url"; url: string; attribution?: string };
export type FileSource = SourceBase & { type: "file"; filename: string };
export type EntitySource = SourceBase & {
  type: "entity";
  id: string;
  icon?: string;
  label?: string;
  inline_label?: string;
  interactive?: boolean;
  data?: Record<string, unknown>;
};
export type Source = URLSource | FileSource | EntitySource;
export type Annotation = { type: "annotation"; source: Source; index?: number | null };
export type AssistantContent = { type: "output_text"; text: string; annotations: Annotation[] };

export type UploadDescriptor = { url: string; method: "POST" | "PUT"; headers?: Record<string, string> };
export type Attachment = {
  type: "file" | "image";
  id: string;
  name: string;
  mime_type: string;
  preview_url?: string;
  upload_descriptor?: UploadDescriptor | null;
  thread_id?: string;
};

export type InferenceOptions = { tool_choice?: { id: string }; model?: string };

// --- tasks and workflows ---------------------------------------------------------------

export type StatusIndicator = "none" | "loading" | "complete";
type TaskBase = { status_indicator?: StatusIndicator; title?: string };
export type Task =
  | (TaskBase & { type: "custom"; icon?: string; content?: string })
  | (TaskBase & { type: "web_search"; title_query?: string; queries: string[]; sources: URLSource[] })
  | (TaskBase & { type: "thought"; content: string })
  | (TaskBase & { type: "file"; sources: FileSource[] })
  | (TaskBase & { type: "image" });

export type Workflow = {
  type: "custom" | "reasoning";
  tasks: Task[];
  summary?: { title: string; icon?: string } | { duration: number } | null;
  expanded?: boolean;
};

// --- structured input ------------------------------------------------------------------

export type StructuredAnswer = { values?: string[]; skipped?: boolean };
export type StructuredInput =
  | { type: "multiple_choice"; id: string; question: string; options: { value: string }[]; multiple?: boolean; answer?: StructuredAnswer }
  | { type: "freeform"; id: string; question: string; description?: string; answer?: StructuredAnswer };

// --- items -----------------------------------------------------------------------------

type ItemBase = { id: string; thread_id: string; created_at: string };
export type UserMessageItem = ItemBase & {
  type: "user_message";
  content: UserMessageContent[];
  attachments?: Attachment[];
  quoted_text?: string | null;
  inference_options?: InferenceOptions;
};
export type AssistantMessageItem = ItemBase & { type: "assistant_message"; content: AssistantContent[] };
export type ClientToolCallItem = ItemBase & {
  type: "client_tool_call";
  status: "pending" | "completed";
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
};
export type WidgetItem = ItemBase & { type: "widget"; widget: WidgetRoot; copy_text?: string | null };
export type GeneratedImage = { id: string; url: string };
export type GeneratedImageItem = ItemBase & { type: "generated_image"; image?: GeneratedImage | null; progress?: number };
export type StructuredInputItem = ItemBase & {
  type: "structured_input";
  status: "pending" | "answered" | "skipped";
  inputs: StructuredInput[];
};
export type WorkflowItem = ItemBase & { type: "workflow"; workflow: Workflow };
export type TaskItem = ItemBase & { type: "task"; task: Task };
export type EndOfTurnItem = ItemBase & { type: "end_of_turn" };

export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | ClientToolCallItem
  | WidgetItem
  | GeneratedImageItem
  | StructuredInputItem
  | WorkflowItem
  | TaskItem
  | EndOfTurnItem;

// --- item updates ----------------------------------------------------------------------

export type ThreadItemUpdate =
  | { type: "assistant_message.content_part.added"; content_index: number; content: AssistantContent }
  | { type: "assistant_message.content_part.text_delta"; content_index: number; delta: string }
  | { type: "assistant_message.content_part.annotation_added"; content_index: number; annotation_index: number; annotation: Annotation }
  | { type: "assistant_message.content_part.done"; content_index: number; content: AssistantContent }
  | { type: "widget.streaming_text.value_delta"; component_id: string; delta: string; done: boolean }
  | { type: "widget.root.updated"; widget: WidgetRoot }
  | { type: "widget.component.updated"; component_id: string; component: WidgetComponent }
  | { type: "workflow.task.added"; task_index: number; task: Task }
  | { type: "workflow.task.updated"; task_index: number; task: Task }
  | { type: "generated_image.updated"; image: GeneratedImage; progress?: number };

// --- stream events ---------------------------------------------------------------------

export type NoticeLevel = "info" | "warning" | "danger";
export type StreamEvent =
  | { type: "thread.created"; thread: Thread }
  | { type: "thread.updated"; thread: Thread }
  | { type: "thread.item.added"; item: ThreadItem }
  | { type: "thread.item.updated"; item_id: string; update: ThreadItemUpdate }
  | { type: "thread.item.done"; item: ThreadItem }
  | { type: "thread.item.removed"; item_id: string }
  | { type: "thread.item.replaced"; item: ThreadItem }
  | { type: "stream_options"; stream_options: { allow_cancel: boolean } }
  | { type: "progress_update"; icon?: string; text: string }
  | { type: "client_effect"; name: string; data?: Record<string, unknown> }
  | { type: "error"; code?: string; message?: string; allow_retry?: boolean }
  | { type: "notice"; level: NoticeLevel; message: string; title?: string };

// --- requests --------------------------------------------------------------------------

export type UserMessageInput = {
  content: UserMessageContent[];
  attachments: string[];
  quoted_text?: string;
  inference_options: InferenceOptions;
};
export type WireAction = { type: string; payload?: unknown };

/** Request types answered with an SSE stream; everything else is plain JSON. */
export type StreamingRequest =
  | { type: "threads.create"; params: { input: UserMessageInput } }
  | { type: "threads.add_user_message"; params: { thread_id: string; input: UserMessageInput } }
  | { type: "threads.add_client_tool_output"; params: { thread_id: string; result: unknown } }
  | {
      type: "threads.add_structured_input";
      params: {
        thread_id: string;
        item_id: string;
        input: { status: "answered" | "skipped"; answers: Record<string, { values: string[]; skipped: boolean }> };
      };
    }
  | { type: "threads.retry_after_item"; params: { thread_id: string; item_id: string } }
  | { type: "threads.custom_action"; params: { thread_id: string; item_id: string | null; action: WireAction } }
  // chatloom's resumable-responses extension (protocol/resume.ts)
  | { type: "responses.resume"; params: { last_event_id: string } };

export type JsonRequestMap = {
  "threads.get_by_id": [{ thread_id: string }, Thread];
  "threads.list": [{ limit?: number; order?: "asc" | "desc"; after?: string | null }, Page<ThreadMetadata>];
  "items.list": [{ thread_id: string; limit?: number; order?: "asc" | "desc"; after?: string | null }, Page<ThreadItem>];
  "items.feedback": [{ thread_id: string; item_ids: string[]; kind: "positive" | "negative" }, object];
  "attachments.create": [{ name: string; size: number; mime_type: string }, Attachment];
  "attachments.delete": [{ attachment_id: string }, object];
  "threads.update": [{ thread_id: string; title: string }, ThreadMetadata];
  "threads.delete": [{ thread_id: string }, object];
  "input.transcribe": [{ audio_base64: string; mime_type: string }, { text: string }];
  "threads.sync_custom_action": [{ thread_id: string; item_id: string | null; action: WireAction }, { updated_item?: ThreadItem }];
  // chatloom's resumable-responses extension (protocol/resume.ts)
  "responses.cancel": [{ response_id: string }, object];
};
export type JsonRequestType = keyof JsonRequestMap;
