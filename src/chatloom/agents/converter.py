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


class ThreadItemConverter:
    """Converts thread items to model input; override a hook to change one kind."""

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
            converted += await self.item_to_input(item, is_last=index == len(items) - 1)
        return converted

    async def item_to_input(self, item: ThreadItem, is_last: bool = False) -> list[InputItem]:
        if isinstance(item, UserMessageItem):
            return await self.user_message_to_input(item, is_last)
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
        return []

    # --- user messages ------------------------------------------------------------------

    async def user_message_to_input(self, item: UserMessageItem, is_last: bool) -> list[InputItem]:
        text = "".join(
            part.text if isinstance(part, UserMessageTextContent) else f"@{part.text}"
            for part in item.content
        )
        content: list[ContentPart] = [{"type": "input_text", "text": text}] if text else []
        for attachment in item.attachments:
            content += _as_list(await self.attachment_to_message_content(attachment))
        converted: list[InputItem] = [{"type": "message", "role": "user", "content": content}]
        if item.quoted_text and is_last:
            converted.append(
                user_text(
                    f"The user quotes this earlier text in their message:\n{item.quoted_text}"
                )
            )
        tags: dict[str, UserMessageTagContent] = {}
        for part in item.content:
            if isinstance(part, UserMessageTagContent):
                tags.setdefault(part.text, part)
        if tags:
            parts: list[ContentPart] = [
                {
                    "type": "input_text",
                    "text": "What the @-mentions in the user's message refer to:",
                }
            ]
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

    # --- everything else ----------------------------------------------------------------

    async def assistant_message_to_input(self, item: AssistantMessageItem) -> list[InputItem]:
        return [
            {
                "type": "message",
                "role": "assistant",
                "content": [
                    {"type": "output_text", "text": part.text, "annotations": []}
                    for part in item.content
                ],
            }
        ]

    async def client_tool_call_to_input(self, item: ClientToolCallItem) -> list[InputItem]:
        if item.status == "pending":
            return []  # no output yet: the model must not see a call without a result
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

    async def widget_to_input(self, item: WidgetItem) -> list[InputItem]:
        shown = item.copy_text or item.widget.model_dump_json(exclude_none=True)
        return [user_text(f"A widget (id {item.id}) was shown to the user:\n{shown}")]

    async def workflow_to_input(self, item: WorkflowItem) -> list[InputItem]:
        return [
            converted
            for task in item.workflow.tasks
            for converted in await self.task_content_to_input(task)
        ]

    async def task_to_input(self, item: TaskItem) -> list[InputItem]:
        return await self.task_content_to_input(item.task)

    async def task_content_to_input(self, task: Task) -> list[InputItem]:
        if not isinstance(task, CustomTask) or not (task.title or task.content):
            return []
        body = "\n".join(part for part in (task.title, task.content) if part)
        return [user_text(f"The user was shown that this step was done:\n{body}")]

    async def structured_input_to_input(self, item: StructuredInputItem) -> list[InputItem]:
        lines = [f"The user was asked these questions (status: {item.status}):"]
        for question in item.inputs:
            answer = question.answer
            if answer is None:
                reply = "no answer yet"
            elif answer.skipped:
                reply = "skipped"
            else:
                reply = ", ".join(answer.values)
            lines.append(f"- {question.question} -> {reply}")
        return [user_text("\n".join(lines))]

    async def hidden_context_to_input(self, item: HiddenContextItem) -> list[InputItem]:
        content = item.content
        text = content if isinstance(content, str) else json.dumps(content, default=str)
        return [user_text(f"Context for you, not shown to the user:\n{text}")]

    async def sdk_hidden_context_to_input(self, item: SDKHiddenContextItem) -> list[InputItem]:
        return [user_text(f"Context for you, not shown to the user:\n{item.content}")]

    async def generated_image_to_input(self, item: GeneratedImageItem) -> list[InputItem]:
        if item.image is None:
            return []
        return [
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "You generated this image earlier:"},
                    {"type": "input_image", "image_url": item.image.url, "detail": "auto"},
                ],
            }
        ]

    async def end_of_turn_to_input(self, item: EndOfTurnItem) -> list[InputItem]:
        return []


def _as_list(parts: ContentPart | list[ContentPart]) -> list[ContentPart]:
    return parts if isinstance(parts, list) else [parts]


async def simple_to_agent_input(thread_items: Sequence[ThreadItem] | ThreadItem) -> list[InputItem]:
    """Convert with the default converter (no attachment store)."""
    return await ThreadItemConverter().to_agent_input(thread_items)


__all__ = [
    "InputItem",
    "ThreadItemConverter",
    "chat_part_to_input",
    "simple_to_agent_input",
    "user_text",
]
