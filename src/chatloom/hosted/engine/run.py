"""One workflow run: walk the graph from a node, executing each, streaming what users see.

A run starts at ``start`` for each user message (as hosted workflows do), at an
``on_action`` node for a routed widget action, or where a suspended run stopped. Each
node's output becomes the next node's ``input``; ``state`` lives across runs of a thread.

Suspension: a User approval node (or a client tool call inside an agent) stops the
run. What is needed to go on, the node, its input and the While iterations around it,
is kept in the thread's server-side metadata; the answer resumes the run there.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import httpx
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from ...agents import Agent, AgentContext, ClientToolCall, FunctionTool, ToolResult
from ...agents.chat_format import to_chat_messages
from ...agents.converter import InputItem, ThreadItemConverter
from ...agents.providers.base import ModelProvider
from ...agents.tools import ToolArgumentsError
from ...errors import CustomStreamError
from ...store import AttachmentStore, Store
from ...types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    ErrorEvent,
    FileSource,
    ProgressUpdateEvent,
    StructuredInputItem,
    StructuredInputMultipleChoice,
    StructuredInputMultipleChoiceOption,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetItem,
)
from ...untrusted import parse_json
from ...widgets import DynamicWidgetRoot, WidgetTemplate
from .. import cel
from ..documents import DocumentIndex
from ..workflow.expressions import compiled, render_text
from ..workflow.model import (
    AgentNode,
    ClassifyNode,
    ClientTool,
    EndNode,
    FileSearchNode,
    FileSearchTool,
    GuardrailsNode,
    IfElseNode,
    JsonSchemaOutput,
    McpTool,
    Node,
    NoteNode,
    PiiCheck,
    SetStateNode,
    TransformNode,
    UserApprovalNode,
    WhileNode,
    WidgetOutput,
    Workflow,
)
from .guardrails import find_pii, run_checks
from .mcp import TIMEOUT as MCP_TIMEOUT
from .mcp import McpError, McpSession
from .structured import StructuredOutputError, ask_json

RUN_KEY = "chatloom_workflow"
APPROVAL_ACTION = "chatloom.approval"
MAX_STEPS = 1000
HISTORY_LIMIT = 40
_jinja = SandboxedEnvironment(autoescape=False)


@functools.lru_cache(maxsize=256)
def _widget_template(name: str, source: str) -> WidgetTemplate:
    """A widget output's template, compiled once per source (templates are immutable)."""
    return WidgetTemplate({"version": "1.0", "name": name, "template": _jinja.from_string(source)})


class WorkflowRunError(CustomStreamError):
    """A node failed in a way the user should hear about (shown as an error event)."""


@dataclass
class Engine:
    """What runs need from the app: the model, the store, documents and their folder."""

    provider: ModelProvider
    store: Store[Any]
    documents: DocumentIndex
    documents_root: Path
    attachment_store: AttachmentStore[Any] | None = None
    model: str | None = None


@dataclass
class Suspended:
    kind: Literal["approval", "client_tool"]
    node: str
    frames: list[tuple[str, int]]  # the While loops around the node, and their iteration
    input: Any
    item_id: str | None = None


@dataclass
class RunRecord:
    """A thread's workflow state between runs (kept in ``thread.metadata``)."""

    state: dict[str, Any] = field(default_factory=dict)
    suspended: Suspended | None = None
    output: Any = None

    @classmethod
    def of(cls, thread: ThreadMetadata) -> RunRecord:
        data = thread.metadata.get(RUN_KEY)
        if not isinstance(data, dict):
            return cls()
        suspended = data.get("suspended")
        return cls(
            state=dict(data.get("state") or {}),
            suspended=Suspended(
                kind=suspended["kind"],
                node=suspended["node"],
                frames=[(name, int(i)) for name, i in suspended["frames"]],
                input=suspended["input"],
                item_id=suspended.get("item_id"),
            )
            if isinstance(suspended, dict)
            else None,
            output=data.get("output"),
        )

    def save(self, thread: ThreadMetadata) -> None:
        suspended = self.suspended
        thread.metadata[RUN_KEY] = {
            "state": self.state,
            "suspended": None if suspended is None else suspended.__dict__,
            "output": self.output,
        }


def _text_of(item: UserMessageItem | None) -> str:
    if item is None:
        return ""
    return " ".join(getattr(part, "text", "") for part in item.content).strip()


def _message_text(item: AssistantMessageItem) -> str:
    return "".join(part.text for part in item.content)


@dataclass
class _SchemaTool(FunctionTool):
    """A tool whose arguments are described by a JSON schema from the workflow file."""

    json_schema: dict[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.json_schema,
            },
        }

    def parse_arguments(self, arguments: str) -> dict[str, Any]:
        try:
            parsed = parse_json(arguments or "{}")
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ToolArgumentsError(f"Invalid arguments for {self.name}: expected a JSON object")
        return {"arguments": parsed}


def _schema_tool(
    name: str, description: str, schema: dict[str, Any], function: Any, **extra: Any
) -> FunctionTool:
    return _SchemaTool(
        name=name,
        description=description,
        parameters=BaseModel,
        function=function,
        takes_context=True,
        json_schema=schema,
        **extra,
    )


class WorkflowRun:
    """Executes one run of ``workflow`` on ``thread``; iterate :meth:`events` for its events."""

    def __init__(
        self,
        engine: Engine,
        workflow: Workflow,
        thread: ThreadMetadata,
        context: Any,
        *,
        session_state: Mapping[str, Any] | None = None,
        input_text: str = "",
    ) -> None:
        self.engine = engine
        self.workflow = workflow
        self.thread = thread
        self.context = context
        self.record = RunRecord.of(thread)
        self.state = {
            **workflow.state_defaults(),
            **{k: v for k, v in (session_state or {}).items() if k in workflow.state},
            **{k: v for k, v in self.record.state.items() if k in workflow.state},
        }
        self.input_text = input_text
        self.redactions: list[list[str] | None] = []  # PII masks chosen by guardrails
        self.value: Any = {"input_as_text": input_text}
        self.next_id: str | None = None
        self.halted = False
        self.steps = 0
        self.hidden_ids: set[str] = set()  # shown, but kept out of later agents' history
        self.run_history: list[InputItem] = []  # written to history, not to the thread

    # --- entry points -------------------------------------------------------------------

    async def start(
        self, node_id: str | None = None, value: Any = None
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run from ``start`` (or ``node_id``, with ``value`` as its input)."""
        self.record.suspended = None
        if value is not None:
            self.value = value
        async for event in self._guarded(
            self._walk(self.workflow.nodes, node_id or self.workflow.start, [])
        ):
            yield event

    async def resume(self, port: str | None) -> AsyncIterator[ThreadStreamEvent]:
        """Go on from the suspension: an approval's ``on_approve``/``on_reject``, or the
        agent whose client tool has answered (``port`` is ``None``)."""
        suspended = self.record.suspended
        assert suspended is not None
        self.record.suspended = None
        self.value = suspended.input
        async for event in self._guarded(self._resume(self.workflow.nodes, suspended, 0, port)):
            yield event

    async def _guarded(
        self, events: AsyncIterator[ThreadStreamEvent]
    ) -> AsyncIterator[ThreadStreamEvent]:
        try:
            async for event in events:
                yield event
        finally:
            self.record.state = self.state
            self.record.save(self.thread)

    # --- walking ------------------------------------------------------------------------

    def variables(self) -> dict[str, Any]:
        return {
            "workflow": {"input_as_text": self.input_text},
            "state": self.state,
            "input": self.value,
        }

    def evaluate(self, node_id: str, field_name: str, source: str) -> Any:
        try:
            return compiled(source).evaluate(self.variables())
        except cel.CelEvaluationError as error:
            raise WorkflowRunError(f"Workflow node '{node_id}' ({field_name}): {error}") from None

    def render(self, node_id: str, field_name: str, text: str) -> str:
        try:
            return render_text(text, self.variables())
        except cel.CelEvaluationError as error:
            raise WorkflowRunError(f"Workflow node '{node_id}' ({field_name}): {error}") from None

    async def _walk(
        self, nodes: Mapping[str, Node], node_id: str | None, frames: list[tuple[str, int]]
    ) -> AsyncIterator[ThreadStreamEvent]:
        while node_id is not None and not self.halted:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise WorkflowRunError(f"The workflow ran more than {MAX_STEPS} steps.")
            self.next_id = None
            async for event in self._execute(nodes, node_id, nodes[node_id], frames):
                yield event
            node_id = self.next_id

    async def _loop(
        self,
        nodes: Mapping[str, Node],
        node_id: str,
        node: WhileNode,
        frames: list[tuple[str, int]],
        first: int,
    ) -> AsyncIterator[ThreadStreamEvent]:
        for iteration in range(first, node.max_iterations):
            if self.evaluate(node_id, "condition", node.condition) is not True:
                break
            async for event in self._walk(
                node.body.nodes, node.body.start, [*frames, (node_id, iteration)]
            ):
                yield event
            if self.halted:
                return
        self.next_id = node.next

    async def _resume(
        self, nodes: Mapping[str, Node], suspended: Suspended, depth: int, port: str | None
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Re-enter the While loops around the suspended node, then go on from it."""
        frames = suspended.frames
        if depth < len(frames):
            loop_id, iteration = frames[depth]
            loop = nodes[loop_id]
            assert isinstance(loop, WhileNode)
            async for event in self._resume(loop.body.nodes, suspended, depth + 1, port):
                yield event
            if self.halted:
                return
            async for event in self._loop(nodes, loop_id, loop, frames[:depth], iteration + 1):
                yield event
        else:
            node = nodes[suspended.node]
            if isinstance(node, UserApprovalNode):
                self.next_id = getattr(node.next, port or "on_reject")
            else:  # an agent whose client tool answered: let it finish its turn
                async for event in self._execute(nodes, suspended.node, node, frames):
                    yield event
        if not self.halted:
            async for event in self._walk(nodes, self.next_id, frames[:depth]):
                yield event

    def _suspend(
        self,
        kind: Literal["approval", "client_tool"],
        node_id: str,
        frames: list[tuple[str, int]],
        item_id: str | None,
    ) -> None:
        self.record.suspended = Suspended(kind, node_id, list(frames), self.value, item_id)
        self.halted = True

    # --- nodes --------------------------------------------------------------------------

    async def _execute(
        self, nodes: Mapping[str, Node], node_id: str, node: Node, frames: list[tuple[str, int]]
    ) -> AsyncIterator[ThreadStreamEvent]:
        if isinstance(node, AgentNode):
            async for event in self._agent(node_id, node, frames):
                yield event
        elif isinstance(node, IfElseNode):
            self.next_id = node.else_
            for index, case in enumerate(node.cases):
                if self.evaluate(node_id, f"cases[{index}].when", case.when) is True:
                    self.next_id = case.next
                    break
        elif isinstance(node, WhileNode):
            async for event in self._loop(nodes, node_id, node, frames, 0):
                yield event
        elif isinstance(node, SetStateNode):
            for index, assignment in enumerate(node.assignments):
                value = self.evaluate(node_id, f"assignments[{index}].expr", assignment.expr)
                self.state = {**self.state, assignment.name: value}
            self.next_id = node.next
        elif isinstance(node, TransformNode):
            self.value = self.evaluate(node_id, "expr", node.expr)
            self.next_id = node.next
        elif isinstance(node, EndNode):
            self.record.output = (
                self.value if node.expr is None else self.evaluate(node_id, "expr", node.expr)
            )
            self.halted = True
        elif isinstance(node, FileSearchNode):
            async for event in self._file_search(node_id, node):
                yield event
        elif isinstance(node, GuardrailsNode):
            async for event in self._guardrails(node_id, node):
                yield event
        elif isinstance(node, UserApprovalNode):
            prompt = self._approval_prompt(node_id, node)
            yield prompt
            self._suspend("approval", node_id, frames, prompt.item.id)
        elif isinstance(node, ClassifyNode):
            await self._classify(node_id, node)
        else:
            assert isinstance(node, NoteNode)  # notes are never wired; nothing to do

    # --- agent --------------------------------------------------------------------------

    def _agent_context(self) -> AgentContext[Any]:
        return AgentContext(
            thread=self.thread,
            store=self.engine.store,
            request_context=self.context,
            attachment_store=self.engine.attachment_store,
        )

    async def _history(self, whole_thread: bool) -> list[InputItem]:
        """The thread as model input: all of it, or only this turn (since the last user
        message); items kept out of history dropped, PII masked as guardrails chose."""
        page = await self.engine.store.load_thread_items(
            self.thread.id, None, HISTORY_LIMIT, "desc", self.context
        )
        items = [item for item in reversed(page.data) if item.id not in self.hidden_ids]
        if not whole_thread:
            starts = [i for i, item in enumerate(items) if isinstance(item, UserMessageItem)]
            items = items[starts[-1] :] if starts else []
        converter = ThreadItemConverter(self.engine.attachment_store, self.context)
        converted = await converter.to_agent_input(items)
        return self._redact([*converted, *self.run_history])

    def redact(self, text: str) -> str:
        """``text`` with what this run's PII checks look for masked."""
        for entities in self.redactions:
            text = find_pii(text, entities)[0]
        return text

    def _redact(self, items: list[InputItem]) -> list[InputItem]:
        if not self.redactions:
            return items
        mask = self.redact

        redacted = []
        for item in items:
            content = item.get("content")
            if item.get("role") == "user" and isinstance(content, list):
                content = [
                    {**part, "text": mask(part["text"])}
                    if part.get("type") == "input_text"
                    else part
                    for part in content
                ]
                item = {**item, "content": content}
            elif item.get("role") == "user" and isinstance(content, str):
                item = {**item, "content": mask(content)}
            redacted.append(item)
        return redacted

    async def _tools(
        self, node_id: str, node: AgentNode, http: httpx.AsyncClient
    ) -> list[FunctionTool]:
        tools: list[FunctionTool] = []
        for spec in node.tools:
            if isinstance(spec, ClientTool):

                async def ask_client(
                    ctx: AgentContext[Any], arguments: dict[str, Any], name: str = spec.name
                ) -> str:
                    ctx.client_tool_call = ClientToolCall(name=name, arguments=arguments)
                    return "Sent to the user's client; its result follows."

                tools.append(_schema_tool(spec.name, spec.description, spec.parameters, ask_client))
            elif isinstance(spec, FileSearchTool):
                tools.append(self._file_search_tool(spec))
            else:
                tools += await self._mcp_tools(node_id, spec, http)
        return tools

    async def _mcp_tools(
        self, node_id: str, spec: McpTool, http: httpx.AsyncClient
    ) -> list[FunctionTool]:
        session = McpSession(spec, http)
        try:
            listed = await session.start()
        except McpError as error:
            raise WorkflowRunError(f"Workflow node '{node_id}': {error}") from None

        def make(tool: dict[str, Any]) -> FunctionTool:
            async def call(ctx: AgentContext[Any], arguments: dict[str, Any]) -> str:
                return await session.call(tool["name"], arguments)

            schema = tool.get("inputSchema")
            return _schema_tool(
                str(tool["name"]),
                str(tool.get("description") or ""),
                schema if isinstance(schema, dict) else {"type": "object"},
                call,
                title=f"{spec.server_label}: {tool['name']}",
                icon="bolt",
            )

        return [make(tool) for tool in listed]

    def _file_search_tool(self, spec: FileSearchTool) -> FunctionTool:
        async def search(ctx: AgentContext[Any], arguments: dict[str, Any]) -> ToolResult:
            query = str(arguments.get("query", ""))
            results = await self._search(spec.store, query, spec.max_results)
            return ToolResult(
                output=[r.as_output() for r in results],
                sources=[FileSource(title=r.filename, filename=r.filename) for r in results],
                summary=f"{len(results)} result(s) for “{query}”",
            )

        return _schema_tool(
            "file_search",
            f"Search the '{spec.store}' documents. Returns the passages that match best.",
            {
                "type": "object",
                "properties": {"query": {"type": "string", "description": "What to look for"}},
                "required": ["query"],
            },
            search,
            title="Searched documents",
            icon="search",
            progress="Searching documents…",
        )

    async def _search(self, store: str, query: str, limit: int) -> list[Any]:
        folder = (self.engine.documents_root / self.workflow.stores[store].path).resolve()
        if not folder.is_relative_to(self.engine.documents_root.resolve()):
            raise WorkflowRunError(f"Store '{store}' points outside the workflow folder.")
        return await self.engine.documents.search(store, folder, query, limit)

    async def _agent(
        self, node_id: str, node: AgentNode, frames: list[tuple[str, int]]
    ) -> AsyncIterator[ThreadStreamEvent]:
        instructions = (
            self.render(node_id, "instructions", node.instructions)
            or "You are a helpful assistant."
        )
        history = await self._history(node.reads_from_history)
        model = node.model or self.engine.model
        if isinstance(node.output, JsonSchemaOutput | WidgetOutput):
            async for event in self._structured_agent(node_id, node, instructions, history, model):
                yield event
            return
        async with httpx.AsyncClient(timeout=MCP_TIMEOUT) as http:
            agent: Agent[Any] = Agent(
                self.engine.provider,
                instructions=instructions,
                tools=await self._tools(node_id, node, http),
                model=model,
                temperature=node.temperature,
                max_tokens=node.max_output_tokens,
                top_p=node.top_p,
                reasoning_effort=node.reasoning.effort if node.reasoning else None,
            )
            context = self._agent_context()
            answer: list[str] = []
            async for event in self._visible(node, agent.run(context, history), answer):
                yield event
        if self.halted:
            return
        self.value = {"output_text": "".join(answer), "output_parsed": None}
        if context.client_tool_call is not None:
            self._suspend("client_tool", node_id, frames, None)
            return
        self.next_id = node.next

    async def _visible(
        self, node: AgentNode, events: AsyncIterator[ThreadStreamEvent], answer: list[str]
    ) -> AsyncIterator[ThreadStreamEvent]:
        """The agent's events the user may see; the text of its messages goes to ``answer``."""
        async for event in events:
            if isinstance(event, ErrorEvent):
                yield event
                self.halted = True
                return
            item = getattr(event, "item", None)
            if isinstance(event, ThreadItemDoneEvent) and isinstance(item, AssistantMessageItem):
                answer.append(_message_text(item))
                if not node.writes_to_history:
                    self.hidden_ids.add(item.id)
                elif not node.user_visible:
                    self.run_history.append(
                        {
                            "type": "message",
                            "role": "assistant",
                            "content": [{"type": "output_text", "text": _message_text(item)}],
                        }
                    )
            if (
                node.user_visible
                or isinstance(event, ProgressUpdateEvent)
                or isinstance(item, ClientToolCallItem)
            ):
                yield event

    async def _structured_agent(
        self,
        node_id: str,
        node: AgentNode,
        instructions: str,
        history: list[InputItem],
        model: str | None,
    ) -> AsyncIterator[ThreadStreamEvent]:
        output = node.output
        schema: dict[str, Any] = (
            output.schema_
            if isinstance(output, JsonSchemaOutput)
            else (output.data_schema or {"type": "object"})  # type: ignore[union-attr]
        )
        try:
            value, raw = await ask_json(
                self.engine.provider,
                instructions=instructions,
                messages=list(to_chat_messages(history)),
                schema=schema,
                model=model,
                temperature=node.temperature,
                max_tokens=node.max_output_tokens,
                top_p=node.top_p,
                reasoning_effort=node.reasoning.effort if node.reasoning else None,
            )
        except StructuredOutputError as error:
            raise WorkflowRunError(
                f"Workflow node '{node_id}' did not get valid JSON: {error}"
            ) from None
        self.value = {"output_text": raw, "output_parsed": value}
        self.next_id = node.next
        if not node.user_visible:
            return
        if isinstance(output, WidgetOutput):
            template = _widget_template(output.name, output.template or "")
            try:
                widget = template.build(value if isinstance(value, dict) else {"value": value})
            except Exception as error:
                raise WorkflowRunError(
                    f"Workflow node '{node_id}' could not render its widget: {error}"
                ) from None
            item: Any = WidgetItem(
                id=self._new_id("message"),
                thread_id=self.thread.id,
                created_at=datetime.now(),
                widget=widget,
            )
        else:
            item = AssistantMessageItem(
                id=self._new_id("message"),
                thread_id=self.thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text=raw.strip())],
            )
        if not node.writes_to_history:
            self.hidden_ids.add(item.id)
        yield ThreadItemDoneEvent(item=item)

    # --- other nodes ----------------------------------------------------------------------

    def _new_id(self, kind: Any) -> str:
        return self.engine.store.generate_item_id(kind, self.thread, self.context)

    async def _file_search(
        self, node_id: str, node: FileSearchNode
    ) -> AsyncIterator[ThreadStreamEvent]:
        query = self.evaluate(node_id, "query", node.query)
        yield ProgressUpdateEvent(icon="search", text="Searching documents…")
        results = await self._search(node.store, str(query), node.max_results)
        self.value = {"results": [r.as_output() for r in results]}
        self.next_id = node.next

    async def _guardrails(
        self, node_id: str, node: GuardrailsNode
    ) -> AsyncIterator[ThreadStreamEvent]:
        text = str(self.evaluate(node_id, "input", node.input))
        yield ProgressUpdateEvent(icon="check-circle", text="Checking the message…")
        try:
            outcome = await run_checks(self.engine.provider, list(node.checks), text)
        except (StructuredOutputError, CustomStreamError) as error:
            message = getattr(error, "message", None) or str(error)
            if node.continue_on_error:
                self.value, self.next_id = {"safe_text": text}, node.next.on_pass
            elif node.next.on_error is not None:
                self.value, self.next_id = (
                    {"input_text": text, "error": message},
                    node.next.on_error,
                )
            else:
                raise WorkflowRunError(f"Guardrails '{node_id}' could not run: {message}") from None
            return
        # Whether a check masks or blocks, no later model sees what it found.
        self.redactions += [c.entities for c in node.checks if isinstance(c, PiiCheck)]
        if outcome.passed:
            self.value, self.next_id = {"safe_text": outcome.safe_text}, node.next.on_pass
        else:
            self.value = {"input_text": text, "guardrails": outcome.report}
            if node.next.on_fail is None:
                raise WorkflowRunError("Your message did not pass this assistant's guardrails.")
            self.next_id = node.next.on_fail

    def _approval_prompt(self, node_id: str, node: UserApprovalNode) -> ThreadItemDoneEvent:
        message = self.render(node_id, "message", node.message)
        item_id = self._new_id("message")
        now = datetime.now()
        if node.prompt == "structured_input":
            options = [
                StructuredInputMultipleChoiceOption(value=label)
                for label in (node.approve_label, node.reject_label)
            ]
            question = StructuredInputMultipleChoice(
                id="decision", question=message, options=options
            )
            return ThreadItemDoneEvent(
                item=StructuredInputItem(
                    id=item_id, thread_id=self.thread.id, created_at=now, inputs=[question]
                )
            )
        card = approval_card(message, node.approve_label, node.reject_label)
        return ThreadItemDoneEvent(
            item=WidgetItem(id=item_id, thread_id=self.thread.id, created_at=now, widget=card)
        )

    async def _classify(self, node_id: str, node: ClassifyNode) -> None:
        text = str(self.evaluate(node_id, "input", node.input))
        names = [category.name for category in node.categories]
        described = "\n".join(
            f"- {c.name}: {c.description}" if c.description else f"- {c.name}"
            for c in node.categories
        )
        instructions = self.render(node_id, "instructions", node.instructions)
        schema = {
            "type": "object",
            "properties": {"category": {"type": "string", "enum": names}},
            "required": ["category"],
        }
        try:
            value, _ = await ask_json(
                self.engine.provider,
                instructions=(
                    f"{instructions}\nClassify the user's text into exactly one category:\n"
                    f"{described}"
                ).strip(),
                messages=[{"role": "user", "content": text}],
                schema=schema,
                model=node.model or self.engine.model,
            )
            chosen = value["category"]
        except StructuredOutputError:
            chosen = _closest_category(text, node)
        category = next(c for c in node.categories if c.name == chosen)
        self.value = {"category": category.name}
        self.next_id = category.next


def _closest_category(text: str, node: ClassifyNode) -> str:
    """When the model names no category: the one whose words the text shares most."""
    words = set(text.lower().split())

    def overlap(name: str, description: str) -> int:
        return len(words & set(f"{name} {description}".lower().replace("_", " ").split()))

    best = max(node.categories, key=lambda c: overlap(c.name, c.description))
    return best.name


def approval_card(
    message: str, approve: str, reject: str, decided: str | None = None
) -> DynamicWidgetRoot:
    """A card asking to approve ``message``; once ``decided`` it shows the answer."""
    children: list[dict[str, Any]] = [{"type": "Text", "value": message}]
    card: dict[str, Any] = {"type": "Card", "children": children}
    if decided is None:
        card["confirm"] = {
            "label": approve,
            "action": {"type": APPROVAL_ACTION, "payload": {"decision": "approve"}},
        }
        card["cancel"] = {
            "label": reject,
            "action": {"type": APPROVAL_ACTION, "payload": {"decision": "reject"}},
        }
    else:
        children.append({"type": "Caption", "value": decided})
    return DynamicWidgetRoot.model_validate(card)


def answered_card(item: WidgetItem, approved: bool) -> ThreadItemReplacedEvent:
    card = item.widget.model_dump(mode="json", exclude_none=True)
    text = next((c.get("value") for c in card.get("children", []) if c.get("type") == "Text"), "")
    label = (card.get("confirm") if approved else card.get("cancel")) or {}
    decided = f"{label.get('label', 'Approve' if approved else 'Reject')} ✓"
    replaced = item.model_copy(update={"widget": approval_card(str(text), "", "", decided)})
    return ThreadItemReplacedEvent(item=replaced)


__all__ = [
    "APPROVAL_ACTION",
    "RUN_KEY",
    "Engine",
    "RunRecord",
    "Suspended",
    "WorkflowRun",
    "WorkflowRunError",
    "answered_card",
    "approval_card",
]
