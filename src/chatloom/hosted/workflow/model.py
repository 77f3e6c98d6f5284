"""The workflow file format: Agent Builder's node vocabulary as typed, validated models.

A workflow is a graph of named nodes. Each node names the node(s) that follow it;
a port left unwired ends that branch. Every expression is CEL over three namespaces:
``workflow`` (the run's inputs: ``workflow.input_as_text``), ``state`` (the declared
state variables) and ``input`` (the output of the node before). Text fields such as
instructions and approval messages may embed ``{{ expression }}`` placeholders.

Unknown fields are rejected, so a typo fails at load time with the node and field named.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ..schemas import check_schema

SCHEMA: Literal["chatloom/workflow@1"] = "chatloom/workflow@1"

WorkflowId = Annotated[str, StringConstraints(pattern=r"^wf_[A-Za-z0-9_-]{1,64}$")]
NodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
Expression = Annotated[str, StringConstraints(min_length=1, max_length=8192)]
Target = NodeId | None


def _usable_schema(schema: dict[str, Any]) -> dict[str, Any]:
    check_schema(schema)  # SchemaRefused is a ValueError: a validation error naming the field
    return schema


OutputSchema = Annotated[dict[str, Any], AfterValidator(_usable_schema)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- start: state variables ----------------------------------------------------------


class StateVariable(Strict):
    type: Literal["string", "number", "boolean", "object", "array"] = "string"
    default: Any = None
    description: str | None = None


# --- agent ---------------------------------------------------------------------------


class Reasoning(Strict):
    effort: Literal["minimal", "low", "medium", "high"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None


class TextOutput(Strict):
    type: Literal["text"] = "text"


class JsonSchemaOutput(Strict):
    type: Literal["json_schema"]
    name: str = "output"
    schema_: OutputSchema = Field(alias="schema")
    strict: bool = True


class WidgetOutput(Strict):
    """The agent fills ``data_schema`` and the ``.widget`` template renders it.

    ``template_file`` (relative to the workflow file) is read at load time into
    ``template``/``data_schema``, so a published version carries its template.
    """

    type: Literal["widget"]
    template_file: str | None = None
    template: str | None = None
    data_schema: OutputSchema | None = None
    name: str = "widget"


AgentOutput = Annotated[TextOutput | JsonSchemaOutput | WidgetOutput, Field(discriminator="type")]


class ClientTool(Strict):
    """Answered by the page's ``onClientTool`` handler; the run waits for its output."""

    type: Literal["client"]
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})


class FileSearchTool(Strict):
    type: Literal["file_search"]
    store: str
    max_results: Annotated[int, Field(ge=1, le=50)] = 5


# Header values may name server configuration as ``${CHATLOOM_MCP_NAME}`` (an environment
# variable, read when the run connects); credentials must come that way, never in clear.
MCP_ENV_PREFIX = "CHATLOOM_MCP_"
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z0-9_]{1,128})\}")
_CREDENTIAL_HEADER = re.compile(r"auth|token|key|secret|cookie|password|session", re.IGNORECASE)


def env_references(value: str) -> list[str]:
    """The environment variables a header value names."""
    return _ENV_REFERENCE.findall(value)


def _configured_headers(headers: dict[str, str]) -> dict[str, str]:
    for name, value in headers.items():
        names = env_references(value)
        if any(not n.startswith(MCP_ENV_PREFIX) for n in names):
            raise ValueError(f"header {name!r}: only {MCP_ENV_PREFIX}* variables may be used")
        if _CREDENTIAL_HEADER.search(name) and not names:
            raise ValueError(
                f"header {name!r} carries a credential: write ${{{MCP_ENV_PREFIX}…}} and set "
                "that environment variable on the server (no secrets in workflow files)"
            )
    return headers


McpHeaders = Annotated[dict[str, str], AfterValidator(_configured_headers)]


class ToolNames(Strict):
    tool_names: list[str]


class ApprovalFilter(Strict):
    """Per tool: the tools named under ``always`` ask; those under ``never`` do not;
    any other asks (as OpenAI's ``require_approval`` filter reads)."""

    always: ToolNames | None = None
    never: ToolNames | None = None

    def asks_for(self, tool: str) -> bool:
        if self.always is not None and tool in self.always.tool_names:
            return True
        return not (self.never is not None and tool in self.never.tool_names)


RequireApproval = Literal["always", "never"] | ApprovalFilter


def asks_approval(rule: RequireApproval, tool: str) -> bool:
    if isinstance(rule, ApprovalFilter):
        return rule.asks_for(tool)
    return rule == "always"


class McpTool(Strict):
    """Tools of a remote MCP server (streamable HTTP transport), offered to an agent."""

    type: Literal["mcp"]
    server_label: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    server_url: Annotated[str, StringConstraints(pattern=r"^https?://")]
    allowed_tools: list[str] | None = None
    headers: McpHeaders = Field(default_factory=dict)
    # Whether the user approves each call first (the agent's turn pauses for the answer).
    require_approval: RequireApproval = "never"


Tool = Annotated[ClientTool | FileSearchTool | McpTool, Field(discriminator="type")]


class AgentNode(Strict):
    type: Literal["agent"]
    name: str | None = None
    instructions: str = ""
    model: str | None = None
    reasoning: Reasoning | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(gt=0, le=1)] | None = None
    max_output_tokens: Annotated[int, Field(ge=1)] | None = None
    output: AgentOutput = TextOutput()
    tools: list[Tool] = Field(default_factory=list)
    reads_from_history: bool = True
    writes_to_history: bool = True
    user_visible: bool = True
    show_progress: bool = True
    next: Target = None


# --- routing and data ----------------------------------------------------------------


class Case(Strict):
    when: Expression
    next: Target = None


class IfElseNode(Strict):
    type: Literal["if_else"]
    cases: Annotated[list[Case], Field(min_length=1)]
    else_: Target = Field(default=None, alias="else")


class WhileBody(Strict):
    start: NodeId
    nodes: dict[NodeId, Node]


class WhileNode(Strict):
    """Runs ``body`` while ``condition`` holds, at most ``max_iterations`` times."""

    type: Literal["while"]
    condition: Expression
    body: WhileBody
    max_iterations: Annotated[int, Field(ge=1, le=1000)] = 20
    next: Target = None


class Assignment(Strict):
    name: VariableName
    expr: Expression


class SetStateNode(Strict):
    type: Literal["set_state"]
    assignments: Annotated[list[Assignment], Field(min_length=1)]
    next: Target = None


class TransformNode(Strict):
    type: Literal["transform"]
    expr: Expression
    next: Target = None


class EndNode(Strict):
    """Ends the run; ``expr`` builds the run's output (kept on the run, not shown)."""

    type: Literal["end"]
    expr: Expression | None = None


class NoteNode(Strict):
    """A comment on the canvas; never runs."""

    type: Literal["note"]
    text: str = ""


# --- tools as nodes --------------------------------------------------------------------


class FileSearchNode(Strict):
    type: Literal["file_search"]
    store: str
    query: Expression = "workflow.input_as_text"
    max_results: Annotated[int, Field(ge=1, le=50)] = 5
    next: Target = None


class PiiCheck(Strict):
    type: Literal["pii"]
    entities: list[str] | None = None  # None: every entity the detector knows
    block: bool = False  # False: mask and pass


class ModerationCheck(Strict):
    type: Literal["moderation"]
    categories: list[str] | None = None
    model: str | None = None  # any model the provider serves (a small local one works)


class NsfwCheck(Strict):
    """Sexual or otherwise not-safe-for-work text, judged by a model."""

    type: Literal["nsfw"]
    model: str | None = None
    confidence_threshold: Annotated[float, Field(ge=0, le=1)] = 0.7


class UrlFilterCheck(Strict):
    """URLs in the text: schemes and hosts against allow/deny lists (a host matches its
    subdomains too). With ``allow`` empty, every host not denied passes."""

    type: Literal["url_filter"]
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    allowed_schemes: list[str] = Field(default_factory=lambda: ["https", "http"])
    block_userinfo: bool = True  # https://user:pass@host… hides the real host from readers


class HallucinationCheck(Strict):
    """Claims in the text (usually an agent's answer) that the documents of ``store`` do
    not support, judged by a model against file-search results for the text."""

    type: Literal["hallucination"]
    store: str
    model: str | None = None
    max_results: Annotated[int, Field(ge=1, le=20)] = 5
    confidence_threshold: Annotated[float, Field(ge=0, le=1)] = 0.7


class JailbreakCheck(Strict):
    type: Literal["jailbreak"]
    model: str | None = None
    confidence_threshold: Annotated[float, Field(ge=0, le=1)] = 0.7


GuardrailCheck = Annotated[
    PiiCheck | ModerationCheck | JailbreakCheck | NsfwCheck | UrlFilterCheck | HallucinationCheck,
    Field(discriminator="type"),
]


class GuardrailPorts(Strict):
    on_pass: Target = None
    on_fail: Target = None
    on_error: Target = None


class GuardrailsNode(Strict):
    type: Literal["guardrails"]
    input: Expression = "workflow.input_as_text"
    checks: Annotated[list[GuardrailCheck], Field(min_length=1)]
    continue_on_error: bool = False
    next: GuardrailPorts = GuardrailPorts()


class McpPorts(Strict):
    on_result: Target = None
    on_reject: Target = None  # the user denied the call
    on_error: Target = None  # the server failed or refused (unwired: the run fails)


class McpNode(Strict):
    """Calls one tool of an MCP server: ``tool`` (CEL, a name among ``allowed_tools``)
    with ``arguments`` (CEL, an object). With approval required, the user is asked in
    the thread first (a card naming the tool and its arguments) and the run waits."""

    type: Literal["mcp"]
    server_label: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    server_url: Annotated[str, StringConstraints(pattern=r"^https?://")]
    headers: McpHeaders = Field(default_factory=dict)
    allowed_tools: list[str] | None = None
    tool: Expression
    arguments: Expression = "{}"
    require_approval: RequireApproval = "always"
    approval_message: str | None = None
    next: McpPorts = McpPorts()

    def as_server(self) -> McpTool:
        """The server part, as the MCP client takes it."""
        return McpTool(
            type="mcp",
            server_label=self.server_label,
            server_url=self.server_url,
            allowed_tools=self.allowed_tools,
            headers=self.headers,
            require_approval=self.require_approval,
        )


class ApprovalPorts(Strict):
    on_approve: Target = None
    on_reject: Target = None


class UserApprovalNode(Strict):
    """Suspends the run until the user approves or rejects ``message``."""

    type: Literal["user_approval"]
    message: Annotated[str, StringConstraints(min_length=1)]
    # How the question is shown: a structured input item (answered through
    # threads.add_structured_input) or a card with confirm/cancel buttons.
    prompt: Literal["structured_input", "widget"] = "structured_input"
    approve_label: str = "Approve"
    reject_label: str = "Reject"
    next: ApprovalPorts = ApprovalPorts()


class Category(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_ -]{1,64}$")]
    description: str = ""
    next: Target = None


class ClassifyNode(Strict):
    type: Literal["classify"]
    input: Expression = "workflow.input_as_text"
    instructions: str = ""
    model: str | None = None
    categories: Annotated[list[Category], Field(min_length=2)]


Node = Annotated[
    AgentNode
    | IfElseNode
    | WhileNode
    | SetStateNode
    | TransformNode
    | EndNode
    | NoteNode
    | FileSearchNode
    | GuardrailsNode
    | UserApprovalNode
    | ClassifyNode
    | McpNode,
    Field(discriminator="type"),
]


# --- the workflow ----------------------------------------------------------------------


class CodeEntry(Strict):
    """An exported Agents SDK program run as the workflow (see :mod:`..code`).

    A workflow file writes ``code: <file>.py:<function>``; the loader reads the file
    (beside the workflow file) into ``source``, so a published version carries its code.
    """

    file: str
    function: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    source: str


class DocumentStore(Strict):
    """Documents for file search, indexed locally: a folder or file relative to the workflow."""

    path: str


class Workflow(Strict):
    schema_: Literal["chatloom/workflow@1"] = Field(default=SCHEMA, alias="schema")
    id: WorkflowId
    name: str = ""
    description: str = ""
    version: str = "draft"
    state: dict[VariableName, StateVariable] = Field(default_factory=dict)
    start: NodeId | None = None  # a graph workflow's first node (not with ``code``)
    nodes: dict[NodeId, Node] = Field(default_factory=dict)
    stores: dict[str, DocumentStore] = Field(default_factory=dict)
    # Widget actions (threads.custom_action) routed into the graph, by action type.
    on_action: dict[str, NodeId] = Field(default_factory=dict)
    # A code workflow: the exported program, and the model each of its agents gets
    # (keys: an agent's name or the model name in the export; "*": any other agent).
    code: CodeEntry | None = None
    models: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _graph_or_code(self) -> Workflow:
        if self.code is None and self.start is None:
            raise ValueError("a workflow needs 'start' and 'nodes' (or 'code')")
        if self.code is not None and (self.start or self.nodes or self.on_action or self.state):
            raise ValueError("a 'code' workflow has no start, nodes, on_action or state")
        if self.code is None and self.models:
            raise ValueError("'models' maps the agents of a 'code' workflow")
        return self

    def state_defaults(self) -> dict[str, Any]:
        return {name: variable.default for name, variable in self.state.items()}

    def all_nodes(self) -> dict[str, Node]:
        """Every node by id, While bodies included (ids are unique workflow-wide)."""
        found: dict[str, Node] = {}

        def collect(nodes: dict[str, Node]) -> None:
            for node_id, node in nodes.items():
                found[node_id] = node
                if isinstance(node, WhileNode):
                    collect(node.body.nodes)

        collect(self.nodes)
        return found


WhileBody.model_rebuild()
WhileNode.model_rebuild()
Workflow.model_rebuild()


def ports(node: Node) -> dict[str, str | None]:
    """The outgoing ports of a node and where each leads (``None``: the branch ends)."""
    if isinstance(node, IfElseNode):
        wired = {f"cases[{index}]": case.next for index, case in enumerate(node.cases)}
        return {**wired, "else": node.else_}
    if isinstance(node, GuardrailsNode | UserApprovalNode | McpNode):
        return dict(node.next.model_dump())
    if isinstance(node, ClassifyNode):
        return {f"categories[{index}]": c.next for index, c in enumerate(node.categories)}
    if isinstance(node, EndNode | NoteNode):
        return {}
    return {"next": node.next}


__all__ = [
    "SCHEMA",
    "AgentNode",
    "AgentOutput",
    "ApprovalFilter",
    "ApprovalPorts",
    "Assignment",
    "Case",
    "Category",
    "ClassifyNode",
    "ClientTool",
    "CodeEntry",
    "DocumentStore",
    "EndNode",
    "FileSearchNode",
    "FileSearchTool",
    "GuardrailCheck",
    "GuardrailPorts",
    "GuardrailsNode",
    "HallucinationCheck",
    "IfElseNode",
    "JailbreakCheck",
    "JsonSchemaOutput",
    "McpNode",
    "McpPorts",
    "McpTool",
    "ModerationCheck",
    "Node",
    "NoteNode",
    "NsfwCheck",
    "PiiCheck",
    "Reasoning",
    "RequireApproval",
    "SetStateNode",
    "StateVariable",
    "TextOutput",
    "Tool",
    "TransformNode",
    "UrlFilterCheck",
    "UserApprovalNode",
    "WhileBody",
    "WhileNode",
    "WidgetOutput",
    "Workflow",
    "asks_approval",
    "env_references",
    "ports",
]
