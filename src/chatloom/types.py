"""The ChatKit wire protocol: requests, threads, items, content, stream events, updates.

These models are the one vocabulary shared by every layer. Serialize them for the
client with :func:`to_wire_json` (``None`` omitted, server-only ``metadata`` stripped).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeAlias, TypeVar

from pydantic import (
    AnyUrl,
    BaseModel,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StringConstraints,
    TypeAdapter,
    model_serializer,
)

from .actions import Action
from .errors import ErrorCode
from .icons import IconName
from .widgets import WidgetComponent, WidgetRoot

T = TypeVar("T")

Id = Annotated[str, StringConstraints(min_length=1, max_length=255)]
"""An identifier sent by the client: never empty, never huge."""

FeedbackKind = Literal["positive", "negative"]
SortOrder = Literal["asc", "desc"]

WIRE_CONTEXT: dict[str, Any] = {"exclude_metadata": True}
"""Serialization context for anything sent to the client."""


class Page(BaseModel, Generic[T]):
    """A page of a cursor-paginated list; ``after`` is the last id when ``has_more``."""

    data: list[T] = []
    has_more: bool = False
    after: str | None = None


# --- thread status and metadata -------------------------------------------------------


class ActiveStatus(BaseModel):
    type: Literal["active"] = "active"


class LockedStatus(BaseModel):
    """The composer stays visible but disabled; ``reason`` becomes its placeholder."""

    type: Literal["locked"] = "locked"
    reason: str | None = None


class ClosedStatus(BaseModel):
    """The composer is replaced by a banner showing ``reason``."""

    type: Literal["closed"] = "closed"
    reason: str | None = None


ThreadStatus = Annotated[ActiveStatus | LockedStatus | ClosedStatus, Field(discriminator="type")]


class ThreadMetadata(BaseModel):
    title: str | None = None
    id: str
    created_at: datetime
    status: ThreadStatus = Field(default_factory=ActiveStatus)
    allowed_image_domains: list[str] | None = None
    """Hosts the client may load images from; ``None`` leaves it to the client."""
    metadata: dict[str, Any] = {}
    """Server-side state; never sent to the client."""


class Thread(ThreadMetadata):
    items: Page[ThreadItem] = Field(default_factory=lambda: Page[ThreadItem]())


# --- sources and annotations ----------------------------------------------------------


class SourceBase(BaseModel):
    title: str
    description: str | None = None
    timestamp: str | None = None
    group: str | None = None


class URLSource(SourceBase):
    type: Literal["url"] = "url"
    url: str
    attribution: str | None = None


class FileSource(SourceBase):
    type: Literal["file"] = "file"
    filename: str


class EntitySource(SourceBase):
    type: Literal["entity"] = "entity"
    id: str
    icon: IconName | None = None
    label: str | None = None
    """Header shown on hover."""
    inline_label: str | None = None
    """Shown inline instead of the icon."""
    interactive: bool = False
    data: dict[str, Any] = {}
    preview: Literal["lazy"] | None = None
    """Deprecated and ignored; kept so older payloads still parse."""


Source = Annotated[URLSource | FileSource | EntitySource, Field(discriminator="type")]


class Annotation(BaseModel):
    type: Literal["annotation"] = "annotation"
    source: Source
    index: int | None = None
    """Character position of the citation marker in the text; equal indexes group."""


class AssistantMessageContent(BaseModel):
    annotations: list[Annotation] = []
    text: str
    type: Literal["output_text"] = "output_text"


# --- user content ---------------------------------------------------------------------


class UserMessageTextContent(BaseModel):
    type: Literal["input_text"] = "input_text"
    text: str


class UserMessageTagContent(BaseModel):
    """An @-mention of an entity."""

    type: Literal["input_tag"] = "input_tag"
    id: Id
    text: str
    data: dict[str, Any]
    group: str | None = None
    interactive: bool = False


UserMessageContent = Annotated[
    UserMessageTextContent | UserMessageTagContent, Field(discriminator="type")
]


class ToolChoice(BaseModel):
    id: Id


class InferenceOptions(BaseModel):
    tool_choice: ToolChoice | None = None
    """The composer tool the user picked."""
    model: str | None = None
    """The model the user picked."""


class UserMessageInput(BaseModel):
    """A user message as the client sends it (attachments by id)."""

    content: list[UserMessageContent]
    attachments: list[Id]
    quoted_text: str | None = None
    inference_options: InferenceOptions


# --- attachments ----------------------------------------------------------------------


class AttachmentUploadDescriptor(BaseModel):
    """Where and how the client uploads the bytes of a two-phase attachment."""

    url: AnyUrl
    method: Literal["POST", "PUT"]
    headers: dict[str, str] = {}


class AttachmentBase(BaseModel):
    id: str
    name: str
    mime_type: str
    upload_descriptor: AttachmentUploadDescriptor | None = None
    thread_id: str | None = None
    """Set by the server when the message carrying the attachment is saved."""
    metadata: dict[str, Any] | None = None
    """Integration-only data; stripped from everything sent to the client."""

    @model_serializer(mode="wrap")
    def _strip_metadata(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        data = handler(self)
        if isinstance(data, dict) and info.context and info.context.get("exclude_metadata"):
            data.pop("metadata", None)
        return data


class FileAttachment(AttachmentBase):
    type: Literal["file"] = "file"


class ImageAttachment(AttachmentBase):
    type: Literal["image"] = "image"
    preview_url: AnyUrl


Attachment = Annotated[FileAttachment | ImageAttachment, Field(discriminator="type")]


# --- workflows and tasks --------------------------------------------------------------


class BaseTask(BaseModel):
    status_indicator: Literal["none", "loading", "complete"] = "none"


class CustomTask(BaseTask):
    type: Literal["custom"] = "custom"
    title: str | None = None
    icon: IconName | None = None
    content: str | None = None


class SearchTask(BaseTask):
    type: Literal["web_search"] = "web_search"
    title: str | None = None
    title_query: str | None = None
    queries: list[str] = []
    sources: list[URLSource] = []


class ThoughtTask(BaseTask):
    type: Literal["thought"] = "thought"
    title: str | None = None
    content: str


class FileTask(BaseTask):
    type: Literal["file"] = "file"
    title: str | None = None
    sources: list[FileSource] = []


class ImageTask(BaseTask):
    type: Literal["image"] = "image"
    title: str | None = None


Task = Annotated[
    CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask, Field(discriminator="type")
]


class CustomSummary(BaseModel):
    title: str
    icon: IconName | None = None


class DurationSummary(BaseModel):
    duration: int
    """Seconds the workflow ran."""


WorkflowSummary: TypeAlias = CustomSummary | DurationSummary


class Workflow(BaseModel):
    type: Literal["custom", "reasoning"]
    tasks: list[Task]
    summary: WorkflowSummary | None = None
    expanded: bool = False


# --- structured input -----------------------------------------------------------------


class StructuredInputAnswer(BaseModel):
    values: list[str] = []
    skipped: bool = False


class StructuredInputBase(BaseModel):
    id: str
    question: str
    answer: StructuredInputAnswer | None = None


class StructuredInputMultipleChoiceOption(BaseModel):
    value: str


class StructuredInputMultipleChoice(StructuredInputBase):
    type: Literal["multiple_choice"] = "multiple_choice"
    options: list[StructuredInputMultipleChoiceOption]
    multiple: bool = False


class StructuredInputFreeform(StructuredInputBase):
    type: Literal["freeform"] = "freeform"
    description: str | None = None


StructuredInput = Annotated[
    StructuredInputMultipleChoice | StructuredInputFreeform, Field(discriminator="type")
]


class StructuredInputAnswerSubmission(BaseModel):
    values: list[str] = []
    skipped: bool = False


class StructuredInputSubmission(BaseModel):
    status: Literal["answered", "skipped"] = "answered"
    answers: dict[str, StructuredInputAnswerSubmission] = {}


# --- thread items ---------------------------------------------------------------------


class ThreadItemBase(BaseModel):
    id: str
    thread_id: str
    created_at: datetime


class UserMessageItem(ThreadItemBase):
    type: Literal["user_message"] = "user_message"
    content: list[UserMessageContent]
    attachments: list[Attachment] = []
    quoted_text: str | None = None
    inference_options: InferenceOptions


class AssistantMessageItem(ThreadItemBase):
    type: Literal["assistant_message"] = "assistant_message"
    content: list[AssistantMessageContent]


class ClientToolCallItem(ThreadItemBase):
    """A tool the client runs (``onClientTool``); the turn resumes with its output."""

    type: Literal["client_tool_call"] = "client_tool_call"
    status: Literal["pending", "completed"] = "pending"
    call_id: str
    name: str
    arguments: dict[str, Any]
    output: Any | None = None


class WidgetItem(ThreadItemBase):
    type: Literal["widget"] = "widget"
    widget: WidgetRoot
    copy_text: str | None = None
    """Text the copy button copies for this widget."""


class GeneratedImage(BaseModel):
    id: str
    url: str


class GeneratedImageItem(ThreadItemBase):
    type: Literal["generated_image"] = "generated_image"
    image: GeneratedImage | None = None


class StructuredInputItem(ThreadItemBase):
    """Questions that take over the composer until answered or skipped."""

    type: Literal["structured_input"] = "structured_input"
    status: Literal["pending", "answered", "skipped"] = "pending"
    inputs: list[StructuredInput]


class TaskItem(ThreadItemBase):
    type: Literal["task"] = "task"
    task: Task


class WorkflowItem(ThreadItemBase):
    type: Literal["workflow"] = "workflow"
    workflow: Workflow


class EndOfTurnItem(ThreadItemBase):
    type: Literal["end_of_turn"] = "end_of_turn"


class HiddenContextItem(ThreadItemBase):
    """Context for the model that the client never sees."""

    type: Literal["hidden_context_item"] = "hidden_context_item"
    content: Any


class SDKHiddenContextItem(ThreadItemBase):
    """Context the server itself adds for the model (e.g. a cancellation note)."""

    type: Literal["sdk_hidden_context"] = "sdk_hidden_context"
    content: str


ThreadItem = Annotated[
    UserMessageItem
    | AssistantMessageItem
    | ClientToolCallItem
    | WidgetItem
    | GeneratedImageItem
    | StructuredInputItem
    | TaskItem
    | WorkflowItem
    | EndOfTurnItem
    | HiddenContextItem
    | SDKHiddenContextItem,
    Field(discriminator="type"),
]

HIDDEN_ITEM_TYPES = frozenset({"hidden_context_item", "sdk_hidden_context"})


def is_hidden(item: ThreadItemBase) -> bool:
    """Whether an item is model context only, never shown to (or sent to) the client."""
    return getattr(item, "type", None) in HIDDEN_ITEM_TYPES


# --- item updates ---------------------------------------------------------------------


class AssistantMessageContentPartAdded(BaseModel):
    type: Literal["assistant_message.content_part.added"] = "assistant_message.content_part.added"
    content_index: int
    content: AssistantMessageContent


class AssistantMessageContentPartTextDelta(BaseModel):
    type: Literal["assistant_message.content_part.text_delta"] = (
        "assistant_message.content_part.text_delta"
    )
    content_index: int
    delta: str


class AssistantMessageContentPartAnnotationAdded(BaseModel):
    type: Literal["assistant_message.content_part.annotation_added"] = (
        "assistant_message.content_part.annotation_added"
    )
    content_index: int
    annotation_index: int
    annotation: Annotation


class AssistantMessageContentPartDone(BaseModel):
    type: Literal["assistant_message.content_part.done"] = "assistant_message.content_part.done"
    content_index: int
    content: AssistantMessageContent


class WidgetStreamingTextValueDelta(BaseModel):
    type: Literal["widget.streaming_text.value_delta"] = "widget.streaming_text.value_delta"
    component_id: str
    delta: str
    done: bool


class WidgetRootUpdated(BaseModel):
    type: Literal["widget.root.updated"] = "widget.root.updated"
    widget: WidgetRoot


class WidgetComponentUpdated(BaseModel):
    type: Literal["widget.component.updated"] = "widget.component.updated"
    component_id: str
    component: WidgetComponent


class WorkflowTaskAdded(BaseModel):
    type: Literal["workflow.task.added"] = "workflow.task.added"
    task_index: int
    task: Task


class WorkflowTaskUpdated(BaseModel):
    type: Literal["workflow.task.updated"] = "workflow.task.updated"
    task_index: int
    task: Task


class GeneratedImageUpdated(BaseModel):
    type: Literal["generated_image.updated"] = "generated_image.updated"
    image: GeneratedImage
    progress: float | None = None


ThreadItemUpdate = Annotated[
    AssistantMessageContentPartAdded
    | AssistantMessageContentPartTextDelta
    | AssistantMessageContentPartAnnotationAdded
    | AssistantMessageContentPartDone
    | WidgetStreamingTextValueDelta
    | WidgetRootUpdated
    | WidgetComponentUpdated
    | WorkflowTaskAdded
    | WorkflowTaskUpdated
    | GeneratedImageUpdated,
    Field(discriminator="type"),
]


# --- stream events --------------------------------------------------------------------


class ThreadCreatedEvent(BaseModel):
    type: Literal["thread.created"] = "thread.created"
    thread: Thread


class ThreadUpdatedEvent(BaseModel):
    type: Literal["thread.updated"] = "thread.updated"
    thread: Thread


class ThreadItemAddedEvent(BaseModel):
    """An item started streaming; persisted only when its ``done`` event comes."""

    type: Literal["thread.item.added"] = "thread.item.added"
    item: ThreadItem


class ThreadItemUpdatedEvent(BaseModel):
    type: Literal["thread.item.updated"] = "thread.item.updated"
    item_id: str
    update: ThreadItemUpdate


ThreadItemUpdated = ThreadItemUpdatedEvent
"""The reference SDK's earlier name, kept as an alias."""


class ThreadItemDoneEvent(BaseModel):
    """An item is complete; the server persists it."""

    type: Literal["thread.item.done"] = "thread.item.done"
    item: ThreadItem


class ThreadItemRemovedEvent(BaseModel):
    type: Literal["thread.item.removed"] = "thread.item.removed"
    item_id: str


class ThreadItemReplacedEvent(BaseModel):
    type: Literal["thread.item.replaced"] = "thread.item.replaced"
    item: ThreadItem


class StreamOptions(BaseModel):
    allow_cancel: bool
    """Whether the client shows a Stop button while this stream runs."""


class StreamOptionsEvent(BaseModel):
    type: Literal["stream_options"] = "stream_options"
    stream_options: StreamOptions


class ProgressUpdateEvent(BaseModel):
    """A transient status line (not persisted)."""

    type: Literal["progress_update"] = "progress_update"
    icon: IconName | None = None
    text: str


class ClientEffectEvent(BaseModel):
    """A fire-and-forget effect for the client (``chatkit.effect``)."""

    type: Literal["client_effect"] = "client_effect"
    name: str
    data: dict[str, Any] = {}


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    code: ErrorCode | Literal["custom"] = "custom"
    message: str | None = None
    allow_retry: bool = False


class NoticeEvent(BaseModel):
    type: Literal["notice"] = "notice"
    level: Literal["info", "warning", "danger"]
    message: str
    """Markdown."""
    title: str | None = None


ThreadStreamEvent = Annotated[
    ThreadCreatedEvent
    | ThreadUpdatedEvent
    | ThreadItemDoneEvent
    | ThreadItemAddedEvent
    | ThreadItemUpdatedEvent
    | ThreadItemRemovedEvent
    | ThreadItemReplacedEvent
    | StreamOptionsEvent
    | ProgressUpdateEvent
    | ClientEffectEvent
    | ErrorEvent
    | NoticeEvent,
    Field(discriminator="type"),
]


# --- requests -------------------------------------------------------------------------


class BaseReq(BaseModel):
    metadata: dict[str, Any] = {}
    """Free-form request metadata; the server ignores it, integrations may read it."""


PageLimit = Annotated[int, Field(ge=0)]


class ThreadGetByIdParams(BaseModel):
    thread_id: Id


class ThreadCreateParams(BaseModel):
    input: UserMessageInput


class ThreadListParams(BaseModel):
    limit: PageLimit | None = None
    order: SortOrder = "desc"
    after: Id | None = None


class ThreadAddUserMessageParams(BaseModel):
    input: UserMessageInput
    thread_id: Id


class ThreadAddClientToolOutputParams(BaseModel):
    thread_id: Id
    result: Any


class ThreadAddStructuredInputParams(BaseModel):
    thread_id: Id
    item_id: Id
    input: StructuredInputSubmission


class ThreadCustomActionParams(BaseModel):
    thread_id: Id
    item_id: Id | None = None
    action: Action[str, Any]


class ThreadRetryAfterItemParams(BaseModel):
    thread_id: Id
    item_id: Id


class ItemFeedbackParams(BaseModel):
    thread_id: Id
    item_ids: Annotated[list[Id], Field(max_length=1000)]
    kind: FeedbackKind


class ItemsListParams(BaseModel):
    thread_id: Id
    limit: PageLimit | None = None
    order: SortOrder = "desc"
    after: Id | None = None


class AttachmentCreateParams(BaseModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    size: Annotated[int, Field(ge=0)]
    mime_type: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class AttachmentDeleteParams(BaseModel):
    attachment_id: Id


class ThreadUpdateParams(BaseModel):
    thread_id: Id
    title: Annotated[str, StringConstraints(max_length=1000)]


class ThreadDeleteParams(BaseModel):
    thread_id: Id


class InputTranscribeParams(BaseModel):
    audio_base64: str
    mime_type: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    """As recorded, e.g. ``audio/webm;codecs=opus``."""


class ThreadsGetByIdReq(BaseReq):
    type: Literal["threads.get_by_id"] = "threads.get_by_id"
    params: ThreadGetByIdParams


class ThreadsCreateReq(BaseReq):
    type: Literal["threads.create"] = "threads.create"
    params: ThreadCreateParams


class ThreadsListReq(BaseReq):
    type: Literal["threads.list"] = "threads.list"
    params: ThreadListParams


class ThreadsAddUserMessageReq(BaseReq):
    type: Literal["threads.add_user_message"] = "threads.add_user_message"
    params: ThreadAddUserMessageParams


class ThreadsAddClientToolOutputReq(BaseReq):
    type: Literal["threads.add_client_tool_output"] = "threads.add_client_tool_output"
    params: ThreadAddClientToolOutputParams


class ThreadsAddStructuredInputReq(BaseReq):
    type: Literal["threads.add_structured_input"] = "threads.add_structured_input"
    params: ThreadAddStructuredInputParams


class ThreadsCustomActionReq(BaseReq):
    type: Literal["threads.custom_action"] = "threads.custom_action"
    params: ThreadCustomActionParams


class ThreadsSyncCustomActionReq(BaseReq):
    type: Literal["threads.sync_custom_action"] = "threads.sync_custom_action"
    params: ThreadCustomActionParams


class ThreadsRetryAfterItemReq(BaseReq):
    type: Literal["threads.retry_after_item"] = "threads.retry_after_item"
    params: ThreadRetryAfterItemParams


class ItemsFeedbackReq(BaseReq):
    type: Literal["items.feedback"] = "items.feedback"
    params: ItemFeedbackParams


class ItemsListReq(BaseReq):
    type: Literal["items.list"] = "items.list"
    params: ItemsListParams


class AttachmentsCreateReq(BaseReq):
    type: Literal["attachments.create"] = "attachments.create"
    params: AttachmentCreateParams


class AttachmentsDeleteReq(BaseReq):
    type: Literal["attachments.delete"] = "attachments.delete"
    params: AttachmentDeleteParams


class ThreadsUpdateReq(BaseReq):
    type: Literal["threads.update"] = "threads.update"
    params: ThreadUpdateParams


class ThreadsDeleteReq(BaseReq):
    type: Literal["threads.delete"] = "threads.delete"
    params: ThreadDeleteParams


class InputTranscribeReq(BaseReq):
    type: Literal["input.transcribe"] = "input.transcribe"
    params: InputTranscribeParams


# chatloom's resumable-responses extension (docs/server.md, "Resumable responses"). An
# official client never sends these; an official server answers them with a 400.


class ResponsesResumeParams(BaseModel):
    last_event_id: Annotated[str, StringConstraints(min_length=3, max_length=300)]
    """The SSE ``id`` of the last event the client saw: ``<response id>:<sequence>``."""


class ResponsesCancelParams(BaseModel):
    response_id: Id


class ResponsesResumeReq(BaseReq):
    type: Literal["responses.resume"] = "responses.resume"
    params: ResponsesResumeParams


class ResponsesCancelReq(BaseReq):
    type: Literal["responses.cancel"] = "responses.cancel"
    params: ResponsesCancelParams


StreamingReq = Annotated[
    ThreadsCreateReq
    | ThreadsAddUserMessageReq
    | ThreadsAddClientToolOutputReq
    | ThreadsAddStructuredInputReq
    | ThreadsRetryAfterItemReq
    | ThreadsCustomActionReq
    | ResponsesResumeReq,
    Field(discriminator="type"),
]
NonStreamingReq = Annotated[
    ThreadsGetByIdReq
    | ThreadsListReq
    | ItemsListReq
    | ItemsFeedbackReq
    | AttachmentsCreateReq
    | AttachmentsDeleteReq
    | ThreadsUpdateReq
    | ThreadsDeleteReq
    | InputTranscribeReq
    | ThreadsSyncCustomActionReq
    | ResponsesCancelReq,
    Field(discriminator="type"),
]
ChatKitReq = Annotated[StreamingReq | NonStreamingReq, Field(discriminator="type")]

STREAMING_REQUEST_TYPES = frozenset(
    {
        "threads.create",
        "threads.add_user_message",
        "threads.add_client_tool_output",
        "threads.add_structured_input",
        "threads.retry_after_item",
        "threads.custom_action",
        "responses.resume",
    }
)


def is_streaming_req(request: BaseReq) -> bool:
    """Whether the response to ``request`` is a server-sent event stream."""
    return getattr(request, "type", None) in STREAMING_REQUEST_TYPES


# --- misc -----------------------------------------------------------------------------


class AudioInput(BaseModel):
    data: bytes
    mime_type: str

    @property
    def media_type(self) -> str:
        """The MIME type without parameters, e.g. ``audio/webm``."""
        return self.mime_type.split(";", 1)[0].strip()


class TranscriptionResult(BaseModel):
    text: str


class SyncCustomActionResponse(BaseModel):
    updated_item: ThreadItem | None = None


Thread.model_rebuild()

chatkit_request_adapter: TypeAdapter[ChatKitReq] = TypeAdapter(ChatKitReq)
thread_item_adapter: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
attachment_adapter: TypeAdapter[Attachment] = TypeAdapter(Attachment)
thread_stream_event_adapter: TypeAdapter[ThreadStreamEvent] = TypeAdapter(ThreadStreamEvent)


def to_wire_json(model: BaseModel) -> bytes:
    """Serialize a model as the client receives it: compact, ``None`` omitted, no metadata."""
    return model.__pydantic_serializer__.to_json(model, exclude_none=True, context=WIRE_CONTEXT)


__all__ = [
    "Action",
    "ActiveStatus",
    "Annotation",
    "AssistantMessageContent",
    "AssistantMessageContentPartAdded",
    "AssistantMessageContentPartAnnotationAdded",
    "AssistantMessageContentPartDone",
    "AssistantMessageContentPartTextDelta",
    "AssistantMessageItem",
    "Attachment",
    "AttachmentBase",
    "AttachmentCreateParams",
    "AttachmentDeleteParams",
    "AttachmentUploadDescriptor",
    "AttachmentsCreateReq",
    "AttachmentsDeleteReq",
    "AudioInput",
    "BaseReq",
    "BaseTask",
    "ChatKitReq",
    "ClientEffectEvent",
    "ClientToolCallItem",
    "ClosedStatus",
    "CustomSummary",
    "CustomTask",
    "DurationSummary",
    "EndOfTurnItem",
    "EntitySource",
    "ErrorCode",
    "ErrorEvent",
    "FeedbackKind",
    "FileAttachment",
    "FileSource",
    "FileTask",
    "GeneratedImage",
    "GeneratedImageItem",
    "GeneratedImageUpdated",
    "HiddenContextItem",
    "ImageAttachment",
    "ImageTask",
    "InferenceOptions",
    "InputTranscribeParams",
    "InputTranscribeReq",
    "ItemFeedbackParams",
    "ItemsFeedbackReq",
    "ItemsListParams",
    "ItemsListReq",
    "LockedStatus",
    "NonStreamingReq",
    "NoticeEvent",
    "Page",
    "ProgressUpdateEvent",
    "ResponsesCancelParams",
    "ResponsesCancelReq",
    "ResponsesResumeParams",
    "ResponsesResumeReq",
    "SDKHiddenContextItem",
    "SearchTask",
    "Source",
    "SourceBase",
    "StreamOptions",
    "StreamOptionsEvent",
    "StreamingReq",
    "StructuredInput",
    "StructuredInputAnswer",
    "StructuredInputAnswerSubmission",
    "StructuredInputBase",
    "StructuredInputFreeform",
    "StructuredInputItem",
    "StructuredInputMultipleChoice",
    "StructuredInputMultipleChoiceOption",
    "StructuredInputSubmission",
    "SyncCustomActionResponse",
    "Task",
    "TaskItem",
    "ThoughtTask",
    "Thread",
    "ThreadAddClientToolOutputParams",
    "ThreadAddStructuredInputParams",
    "ThreadAddUserMessageParams",
    "ThreadCreateParams",
    "ThreadCreatedEvent",
    "ThreadCustomActionParams",
    "ThreadDeleteParams",
    "ThreadGetByIdParams",
    "ThreadItem",
    "ThreadItemAddedEvent",
    "ThreadItemBase",
    "ThreadItemDoneEvent",
    "ThreadItemRemovedEvent",
    "ThreadItemReplacedEvent",
    "ThreadItemUpdate",
    "ThreadItemUpdated",
    "ThreadItemUpdatedEvent",
    "ThreadListParams",
    "ThreadMetadata",
    "ThreadRetryAfterItemParams",
    "ThreadStatus",
    "ThreadStreamEvent",
    "ThreadUpdateParams",
    "ThreadUpdatedEvent",
    "ThreadsAddClientToolOutputReq",
    "ThreadsAddStructuredInputReq",
    "ThreadsAddUserMessageReq",
    "ThreadsCreateReq",
    "ThreadsCustomActionReq",
    "ThreadsDeleteReq",
    "ThreadsGetByIdReq",
    "ThreadsListReq",
    "ThreadsRetryAfterItemReq",
    "ThreadsSyncCustomActionReq",
    "ThreadsUpdateReq",
    "ToolChoice",
    "TranscriptionResult",
    "URLSource",
    "UserMessageContent",
    "UserMessageInput",
    "UserMessageItem",
    "UserMessageTagContent",
    "UserMessageTextContent",
    "WidgetComponentUpdated",
    "WidgetItem",
    "WidgetRootUpdated",
    "WidgetStreamingTextValueDelta",
    "Workflow",
    "WorkflowItem",
    "WorkflowSummary",
    "WorkflowTaskAdded",
    "WorkflowTaskUpdated",
    "is_streaming_req",
]
