"""Responses-shaped input items as Chat Completions messages.

The converter speaks the Responses shape (see :mod:`chatloom.agents.converter`); model
endpoints speak Chat Completions. Text-only content collapses to a plain string, which
every OpenAI-compatible server accepts; images stay ``image_url`` parts.
"""

from __future__ import annotations

from typing import Any

ChatMessage = dict[str, Any]


def _chat_part(part: dict[str, Any]) -> dict[str, Any]:
    kind = part.get("type")
    if kind in ("input_text", "output_text", "text"):
        return {"type": "text", "text": str(part.get("text", ""))}
    if kind == "input_image":
        return {
            "type": "image_url",
            "image_url": {"url": part.get("image_url"), "detail": part.get("detail", "auto")},
        }
    if kind == "input_file":
        name = part.get("filename") or "a file"
        return {"type": "text", "text": f"[The user attached {name}.]"}
    return {"type": "text", "text": str(part.get("text", ""))}


def _content(content: Any) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    parts = [_chat_part(part) for part in content or [] if isinstance(part, dict)]
    # The converter always sends the typed text, empty for an attachment-only message.
    parts = [part for part in parts if part["type"] != "text" or part["text"]]
    if all(part["type"] == "text" for part in parts):
        return "\n".join(part["text"] for part in parts)
    return parts


def to_chat_messages(items: list[dict[str, Any]]) -> list[ChatMessage]:
    messages: list[ChatMessage] = []
    for item in items:
        kind = item.get("type", "message")
        if kind == "message":
            role = item.get("role", "user")
            content = _content(item.get("content"))
            messages.append({"role": role, "content": content})
        elif kind == "function_call":
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item.get("arguments") or "{}"},
            }
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and "tool_calls" in last:
                last["tool_calls"].append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item.get("output")
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": item["call_id"],
                    "content": output if isinstance(output, str) else str(output),
                }
            )
    return messages


__all__ = ["ChatMessage", "to_chat_messages"]
