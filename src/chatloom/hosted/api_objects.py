"""ChatKit threads and items as the hosted REST API shows them (``chatkit.thread``, ...).

The REST shapes differ from the protocol's: unix-second timestamps, ``chatkit.*`` item
types, widgets and tool arguments as JSON strings, workflows as task groups. Items the
REST API has no shape for (structured input, images, hidden context) are left out.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..types import (
    AssistantMessageItem,
    ClientToolCallItem,
    CustomTask,
    FileSource,
    Task,
    TaskItem,
    ThoughtTask,
    ThreadItem,
    ThreadMetadata,
    URLSource,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
    WorkflowItem,
)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def thread_object(thread: ThreadMetadata, user: str) -> dict[str, Any]:
    return {
        "id": thread.id,
        "object": "chatkit.thread",
        "created_at": _seconds(thread.created_at),
        "title": thread.title,
        "user": user,
        "status": thread.status.model_dump(exclude_none=True),
    }


def _task(task: Task) -> dict[str, Any]:
    kind = "thought" if isinstance(task, ThoughtTask) else "custom"
    summary = task.content if isinstance(task, ThoughtTask | CustomTask) else None
    return {"type": kind, "heading": task.title, "summary": summary}


def _annotations(item: AssistantMessageItem, index: int) -> list[dict[str, Any]]:
    found = []
    for annotation in item.content[index].annotations:
        source = annotation.source
        if isinstance(source, FileSource):
            found.append({"type": "file", "source": {"type": "file", "filename": source.filename}})
        elif isinstance(source, URLSource):
            found.append({"type": "url", "source": {"type": "url", "url": source.url}})
    return found


def item_object(item: ThreadItem) -> dict[str, Any] | None:
    """The REST shape of ``item``, or ``None`` for kinds the REST API does not show."""
    base = {
        "id": item.id,
        "object": "chatkit.thread_item",
        "thread_id": item.thread_id,
        "created_at": _seconds(item.created_at),
    }
    if isinstance(item, UserMessageItem):
        content: list[dict[str, Any]] = [
            {
                "type": "input_text",
                "text": part.text if isinstance(part, UserMessageTextContent) else "@" + part.text,
            }
            for part in item.content
        ]
        if item.quoted_text:
            content.append({"type": "quoted_text", "text": item.quoted_text})
        options = item.inference_options
        return {
            **base,
            "type": "chatkit.user_message",
            "content": content,
            "attachments": [
                {
                    "id": attachment.id,
                    "type": attachment.type,
                    "name": attachment.name,
                    "mime_type": attachment.mime_type,
                    "preview_url": str(getattr(attachment, "preview_url", None) or "") or None,
                }
                for attachment in item.attachments
            ],
            "inference_options": {
                "model": options.model,
                "tool_choice": {"id": options.tool_choice.id} if options.tool_choice else None,
            },
        }
    if isinstance(item, AssistantMessageItem):
        return {
            **base,
            "type": "chatkit.assistant_message",
            "content": [
                {"type": "output_text", "text": part.text, "annotations": _annotations(item, index)}
                for index, part in enumerate(item.content)
            ],
        }
    if isinstance(item, WidgetItem):
        widget = item.widget.model_dump(mode="json", exclude_none=True, by_alias=True)
        return {**base, "type": "chatkit.widget", "widget": json.dumps(widget)}
    if isinstance(item, ClientToolCallItem):
        return {
            **base,
            "type": "chatkit.client_tool_call",
            "name": item.name,
            "call_id": item.call_id,
            "arguments": json.dumps(item.arguments),
            "output": None if item.output is None else json.dumps(item.output),
            "status": "completed" if item.status == "completed" else "in_progress",
        }
    if isinstance(item, TaskItem):
        task = _task(item.task)
        return {
            **base,
            "type": "chatkit.task",
            "task_type": task["type"],
            "heading": task["heading"],
            "summary": task["summary"],
        }
    if isinstance(item, WorkflowItem):
        return {
            **base,
            "type": "chatkit.task_group",
            "tasks": [_task(t) for t in item.workflow.tasks],
        }
    return None


def list_object(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }


__all__ = ["item_object", "list_object", "thread_object"]
