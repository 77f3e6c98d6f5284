"""What node handlers work with: the app's services, the run's variables, its conversation.

Handlers read; they never steer the run through this object (that is their outcome).
What they may add to is the :class:`Conversation`, the run's memory of what later
agents see: items kept out of history, model-only messages, and PII masks.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...agents import AgentContext
from ...agents.converter import InputItem, ThreadItemConverter
from ...agents.providers.base import ModelEvent, ModelProvider, ModelRequest, TextDelta
from ...database import Database
from ...errors import CustomStreamError
from ...store import AttachmentStore, Store
from ...types import ThreadMetadata, UserMessageItem
from .. import cel
from ..documents import DocumentIndex
from ..linear_regex import RegexError
from ..workflow.expressions import compiled, render_text
from ..workflow.model import Workflow
from .offload import OverBudget, off_loop
from .outcomes import Step
from .pii import find_pii
from .state import SQLiteWorkflowStateStore, WorkflowStateStore
from .trace import SQLiteTraceStore, TraceStore

HISTORY_LIMIT = 40


class WorkflowRunError(CustomStreamError):
    """A node failed in a way the user should hear about (shown as an error event)."""


def _memory_database() -> Database:
    return Database(":memory:")


@dataclass
class Engine:
    """What runs need from the app: the model, the stores, documents and their folder;
    where workflow state and run traces are kept (in memory unless the app says)."""

    provider: ModelProvider
    store: Store[Any]
    documents: DocumentIndex
    documents_root: Path
    attachment_store: AttachmentStore[Any] | None = None
    model: str | None = None
    states: WorkflowStateStore = field(
        default_factory=lambda: SQLiteWorkflowStateStore(_memory_database())
    )
    traces: TraceStore = field(default_factory=lambda: SQLiteTraceStore(_memory_database()))


@dataclass
class Usage:
    """Model use, as the engine can see it through the provider interface."""

    calls: int = 0
    output_chars: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"calls": self.calls, "output_chars": self.output_chars}


@dataclass
class MeteredProvider:
    """The engine's provider, counting each call against the step that made it."""

    inner: ModelProvider
    usage: Usage = field(default_factory=Usage)

    async def stream(self, request: ModelRequest) -> AsyncGenerator[ModelEvent, None]:
        self.usage.calls += 1
        async for event in self.inner.stream(request):
            if isinstance(event, TextDelta):
                self.usage.output_chars += len(event.text)
            yield event


async def masked(text: str, masks: list[list[str] | None]) -> str:
    """``text`` with what each PII mask looks for replaced (off the event loop)."""
    if not masks or not text:
        return text

    def work() -> str:
        result = text
        for entities in masks:
            result = find_pii(result, entities)[0]
        return result

    try:
        return await off_loop(work)
    except (OverBudget, RegexError) as error:
        raise WorkflowRunError(f"Could not mask personal data: {error}") from None


@dataclass
class Conversation:
    """What this run adds to the thread as later agents see it."""

    hidden_ids: set[str] = field(default_factory=set)  # shown, but not in agents' history
    model_only: list[InputItem] = field(default_factory=list)  # in history, never shown
    masks: list[list[str] | None] = field(default_factory=list)  # PII checks' entities
    # An agent's MCP call waiting for the user's approval, and the calls already decided
    # (by their server, tool and arguments): approved ones run, denied ones are refused.
    pending_call: dict[str, Any] | None = None
    decided_calls: dict[str, bool] = field(default_factory=dict)

    async def redact(self, text: str) -> str:
        return await masked(text, self.masks)

    async def redact_items(self, items: list[InputItem]) -> list[InputItem]:
        if not self.masks:
            return items
        redacted = []
        for item in items:
            content = item.get("content")
            if item.get("role") == "user" and isinstance(content, list):
                content = [
                    {**part, "text": await self.redact(part["text"])}
                    if part.get("type") == "input_text"
                    else part
                    for part in content
                ]
                item = {**item, "content": content}
            elif item.get("role") == "user" and isinstance(content, str):
                item = {**item, "content": await self.redact(content)}
            redacted.append(item)
        return redacted


@dataclass
class RunContext:
    engine: Engine
    provider: MeteredProvider
    workflow: Workflow
    thread: ThreadMetadata
    request: Any  # the request context (a HostedContext)
    input_text: str
    state: Mapping[str, Any]  # as of this step; handlers change it through Continue.state
    conversation: Conversation = field(default_factory=Conversation)

    @property
    def model(self) -> str | None:
        return self.engine.model

    def variables(self, value: Any, state: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            "workflow": {"input_as_text": self.input_text},
            "state": self.state if state is None else state,
            "input": value,
        }

    async def evaluate(
        self,
        step: Step[Any],
        field_name: str,
        source: str,
        *,
        state: Mapping[str, Any] | None = None,
    ) -> Any:
        """A CEL expression of ``step``'s node (over ``state`` if given), off the event loop."""
        variables = self.variables(step.input, state)
        return await self._off_loop(step, field_name, lambda: compiled(source).evaluate(variables))

    async def render(self, step: Step[Any], field_name: str, text: str) -> str:
        """A text field with ``{{ expression }}`` placeholders, off the event loop."""
        if "{{" not in text:
            return text
        variables = self.variables(step.input)
        rendered: str = await self._off_loop(step, field_name, lambda: render_text(text, variables))
        return rendered

    async def _off_loop(self, step: Step[Any], field_name: str, work: Any) -> Any:
        try:
            return await off_loop(work)
        except (cel.CelEvaluationError, OverBudget) as error:
            raise WorkflowRunError(
                f"Workflow node '{step.node_id}' ({field_name}): {error}"
            ) from None

    def new_id(self, kind: Any) -> str:
        return self.engine.store.generate_item_id(kind, self.thread, self.request)

    def agent_context(self) -> AgentContext[Any]:
        return AgentContext(
            thread=self.thread,
            store=self.engine.store,
            request_context=self.request,
            attachment_store=self.engine.attachment_store,
        )

    async def history(self, whole_thread: bool) -> list[InputItem]:
        """The thread as model input: all of it, or only this turn (since the last user
        message); items kept out of history dropped, PII masked as guardrails chose."""
        page = await self.engine.store.load_thread_items(
            self.thread.id, None, HISTORY_LIMIT, "desc", self.request
        )
        hidden = self.conversation.hidden_ids
        items = [item for item in reversed(page.data) if item.id not in hidden]
        if not whole_thread:
            starts = [i for i, item in enumerate(items) if isinstance(item, UserMessageItem)]
            items = items[starts[-1] :] if starts else []
        converter = ThreadItemConverter(self.engine.attachment_store, self.request)
        converted = await converter.to_agent_input(items)
        return await self.conversation.redact_items([*converted, *self.conversation.model_only])

    async def search(self, store: str, query: str, limit: int) -> list[Any]:
        folder = (self.engine.documents_root / self.workflow.stores[store].path).resolve()
        if not folder.is_relative_to(self.engine.documents_root.resolve()):
            raise WorkflowRunError(f"Store '{store}' points outside the workflow folder.")
        return await self.engine.documents.search(store, folder, query, limit)


__all__ = [
    "Conversation",
    "Engine",
    "MeteredProvider",
    "RunContext",
    "Usage",
    "WorkflowRunError",
    "masked",
]
