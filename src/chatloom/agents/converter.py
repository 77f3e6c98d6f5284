"""Thread items to model input, with a hook for every kind of item.

The output is a list of input items in the OpenAI Responses shape (``message``,
``function_call``, ``function_call_output``), the shape the reference SDK's converter
produces, so a converter subclass written for it ports unchanged; the Agents SDK
adapter feeds it to the SDK and the native loop turns it into Chat Completions
messages (:func:`chatloom.agents.chat_format.to_chat_messages`).

Attachments: if the attachment store has ``async model_content(attachment, context)``
returning Chat Completions content parts, those parts go to the model; otherwise the
model gets a short note naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..store import AttachmentStore
from ..types import (
    AssistantMessageItem,
    Attachment,
    ClientToolCallItem,
    CustomTask,
    EndOfTurnItem,
    GeneratedImageItem,
    HiddenContextItem,
    SDKHiddenContextItem,
    StructuredInputItem,
    Task,
    TaskItem,
    ThreadItem,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
    WorkflowItem,
)

InputItem = dict[str, Any]
ContentPart = dict[str, Any]


def user_text(text: str) -> InputItem:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def chat_part_to_input(part: dict[str, Any]) -> ContentPart:
    """A Chat Completions content part (``text``, ``image_url``) as a Responses part."""
    if part.get("type") == "image_url":
        image = part.get("image_url") or {}
        url = image.get("url") if isinstance(image, dict) else image
        return {"type": "input_image", "image_url": url, "detail": "auto"}
    if part.get("type") == "text":
        return {"type": "input_text", "text": str(part.get("text", ""))}
    return dict(part)


_HIDDEN_CONTEXT = (
    "Hidden context for the agent (not shown to the user):\n<HiddenContext>\n{}\n</HiddenContext>"
)
_TASK_SHOWN = (
    "A message was displayed to the user that the following task was performed:\n"
    "<Task>\n{}\n</Task>"
)
_MENTIONS_INTRO = (
    "# User-provided context for @-mentions\n"
    "- When referencing resolved entities, use their canonical names **without** '@'.\n"
    "- The '@' form appears only in user text and should not be echoed."
)

HookResult = InputItem | list[InputItem] | None
"""What a hook returns: one input item, several, or ``None`` for nothing."""


class ThreadItemConverter:
    """Converts thread items to model input; override a hook to change one kind.

    Every ``*_to_input`` hook may return one input item, a list of them, or ``None``.
    The default wording is the reference SDK's, so a ported app's model reads the
    same input. Where the reference raises ``NotImplementedError`` (attachments, tags,
    hidden context that is not a string) chatloom has a working default.
    """

    widgets_as_copy_text = False
    """Set on a subclass to send a widget by its ``copy_text`` (when it has one) instead
    of its JSON: much shorter input, e.g. for small models."""

    def __init__(
        self,
        attachment_store: AttachmentStore[Any] | None = None,
        request_context: Any = None,
    ) -> None:
        self.attachment_store = attachment_store
        self.request_context = request_context

    async def to_agent_input(
        self, thread_items: Sequence[ThreadItem] | ThreadItem
    ) -> list[InputItem]:
        items = list(thread_items) if isinstance(thread_items, Sequence) else [thread_items]
        converted: list[InputItem] = []
        for index, item in enumerate(items):
            converted += await self.item_to_input(item, is_last_message=index == len(items) - 1)
        return converted

    async def item_to_input(
        self, item: ThreadItem, is_last_message: bool = True
    ) -> list[InputItem]:
        """The input for one item, through the hook for its kind, always as a list."""
        return _as_items(await self._hook(item, is_last_message))

    async def _hook(self, item: ThreadItem, is_last_message: bool) -> HookResult:
        if isinstance(item, UserMessageItem):
            return await self.user_message_to_input(item, is_last_message)
        if isinstance(item, AssistantMessageItem):
            return await self.assistant_message_to_input(item)
        if isinstance(item, ClientToolCallItem):
            return await self.client_tool_call_to_input(item)
        if isinstance(item, WidgetItem):
            return await self.widget_to_input(item)
        if isinstance(item, WorkflowItem):
            return await self.workflow_to_input(item)
        if isinstance(item, TaskItem):
            return await self.task_to_input(item)
        if isinstance(item, StructuredInputItem):
            return await self.structured_input_to_input(item)
        if isinstance(item, HiddenContextItem):
            return await self.hidden_context_to_input(item)
        if isinstance(item, SDKHiddenContextItem):
            return await self.sdk_hidden_context_to_input(item)
        if isinstance(item, GeneratedImageItem):
            return await self.generated_image_to_input(item)
        if isinstance(item, EndOfTurnItem):
            return await self.end_of_turn_to_input(item)
        return None

    # --- user messages ------------------------------------------------------------------

    async def user_message_to_input(
        self, item: UserMessageItem, is_last_message: bool = True
    ) -> HookResult:
        """The message as typed (a tag as ``@text``) with its attachments; then, for the
        newest message, the quoted text; then what each distinct tag refers to."""
        text = "".join(
            part.text if isinstance(part, UserMessageTextContent) else f"@{part.text}"
            for part in item.content
        )
        content: list[ContentPart] = [{"type": "input_text", "text": text}]
        for attachment in item.attachments:
            content += _as_list(await self.attachment_to_message_content(attachment))
        converted: list[InputItem] = [{"type": "message", "role": "user", "content": content}]
        if item.quoted_text and is_last_message:
            converted.append(
                user_text(f"The user is referring to this in particular: \n{item.quoted_text}")
            )
        tags: dict[str, UserMessageTagContent] = {}
        for part in item.content:
            if isinstance(part, UserMessageTagContent):
                tags.setdefault(part.text, part)
        if tags:
            parts: list[ContentPart] = [{"type": "input_text", "text": _MENTIONS_INTRO}]
            for tag in tags.values():
                parts += _as_list(await self.tag_to_message_content(tag))
            converted.append({"type": "message", "role": "user", "content": parts})
        return converted

    async def attachment_to_message_content(
        self, attachment: Attachment
    ) -> ContentPart | list[ContentPart]:
        """What the model gets for an attachment: the attachment store's model content
        if it offers ``model_content``, else a note naming the file."""
        model_content = getattr(self.attachment_store, "model_content", None)
        if model_content is not None:
            parts = await model_content(attachment, self.request_context)
            return [chat_part_to_input(part) for part in parts]
        return {
            "type": "input_text",
            "text": f"[The user attached {attachment.type} {attachment.name!r} "
            f"({attachment.mime_type}); its content is not available to you.]",
        }

    async def tag_to_message_content(
        self, tag: UserMessageTagContent
    ) -> ContentPart | list[ContentPart]:
        data = json.dumps(tag.data, ensure_ascii=False, default=str)
        attributes = f"text={json.dumps(tag.text)} id={json.dumps(tag.id)}"
        return {"type": "input_text", "text": f"<mention {attributes}>{data}</mention>"}

    async def assistant_message_to_input(self, item: AssistantMessageItem) -> HookResult:
        return {
            "type": "message",
            "role": "assistant",
            "content": [
                {"type": "output_text", "text": part.text, "annotations": [], "logprobs": None}
                for part in item.content
            ],
        }

    async def client_tool_call_to_input(self, item: ClientToolCallItem) -> HookResult:
        if item.status == "pending":
            return None  # no output yet: the model must not see a call without a result
        return [
            {
                "type": "function_call",
                "call_id": item.call_id,
                "name": item.name,
                "arguments": json.dumps(item.arguments),
            },
            {
                "type": "function_call_output",
                "call_id": item.call_id,
                "output": json.dumps(item.output, default=str),
            },
        ]

    async def widget_to_input(self, item: WidgetItem) -> HookResult:
        intro = f"The following graphical UI widget (id: {item.id}) was displayed to the user:"
        if self.widgets_as_copy_text and item.copy_text:
            return user_text(f"{intro}\n{item.copy_text}")
        return user_text(intro + item.widget.model_dump_json(exclude_unset=True, exclude_none=True))

    async def workflow_to_input(self, item: WorkflowItem) -> HookResult:
        return [
            converted
            for task in item.workflow.tasks
            for converted in _as_items(await self.task_content_to_input(task))
        ]

    async def task_to_input(self, item: TaskItem) -> HookResult:
        return await self.task_content_to_input(item.task)

    async def task_content_to_input(self, task: Task) -> HookResult:
        """A custom task the user was shown (workflow tasks and task items alike)."""
        if not isinstance(task, CustomTask) or not (task.title or task.content):
            return None
        shown = ": ".join(part for part in (task.title, task.content) if part)
        return user_text(_TASK_SHOWN.format(shown))

    async def structured_input_to_input(self, item: StructuredInputItem) -> HookResult:
        lines = []
        for question in item.inputs:
            answer = question.answer
            if answer is None:
                reply = "unanswered"
            elif answer.skipped:
                reply = "skipped"
            else:
                reply = ", ".join(answer.values)
            lines.append(f"- {question.question}: {reply}")
        return user_text(
            "A structured input request was displayed to the user with the following "
            f"status: {item.status}\n<StructuredInput>\n"
            + "\n".join(lines)
            + "\n</StructuredInput>"
        )

    async def hidden_context_to_input(self, item: HiddenContextItem) -> HookResult:
        content = item.content
        text = content if isinstance(content, str) else json.dumps(content, default=str)
        return user_text(_HIDDEN_CONTEXT.format(text))

    async def sdk_hidden_context_to_input(self, item: SDKHiddenContextItem) -> HookResult:
        return user_text(_HIDDEN_CONTEXT.format(item.content))

    async def generated_image_to_input(self, item: GeneratedImageItem) -> HookResult:
        if item.image is None:
            return None
        return {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "The following image was generated by the agent."},
                {"type": "input_image", "image_url": item.image.url, "detail": "auto"},
            ],
        }

    async def end_of_turn_to_input(self, item: EndOfTurnItem) -> HookResult:
        return None


def _as_items(result: HookResult) -> list[InputItem]:
    if result is None:
        return []
    return result if isinstance(result, list) else [result]


def _as_list(parts: ContentPart | list[ContentPart]) -> list[ContentPart]:
    return parts if isinstance(parts, list) else [parts]


async def simple_to_agent_input(thread_items: Sequence[ThreadItem] | ThreadItem) -> list[InputItem]:
    """Convert with the default converter (no attachment store)."""
    return await ThreadItemConverter().to_agent_input(thread_items)


__all__ = [
    "HookResult",
    "InputItem",
    "ThreadItemConverter",
    "chat_part_to_input",
    "simple_to_agent_input",
    "user_text",
]
