"""The demo's ChatKit server: Lumi, the help-desk assistant of Lumen Notes.

The composer's tools run their flow directly (a tool call made for the model, see
``Agent.run(first_call=...)``). Free text goes to the model: a model behind
``CHATLOOM_MODEL`` gets the tools and calls them itself; the embedded 135M model
cannot, so when the help center has a match the app searches it first and the model
answers from the article.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ..agents import (
    Agent,
    AgentContext,
    ClientToolCall,
    LocalProvider,
    ModelProvider,
    ThreadItemConverter,
    ToolResult,
    ensure_title,
    function_tool,
)
from ..agents.converter import HookResult
from ..agents.tools import FunctionTool
from ..errors import CustomStreamError
from ..logger import logger
from ..server import ChatKitServer, stream_widget
from ..store import AttachmentStore, Store, user_id_of
from ..types import (
    Action,
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    CustomTask,
    FeedbackKind,
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    URLSource,
    UserMessageItem,
    WidgetItem,
)
from .cards import (
    CANCEL_TICKET,
    SUBMIT_TICKET,
    browser_report,
    ticket_cancelled,
    ticket_form,
    ticket_opened,
)
from .knowledge import KnowledgeBase
from .tickets import TicketDesk, TicketRequest

INSTRUCTIONS = (
    "You are Lumi, the support assistant of Lumen Notes, a note-taking app. Answer "
    "briefly, in Markdown. Answer from help center articles when you have them, citing "
    "them by number like [1]; if you are not sure, offer to open a support ticket."
)

FORM_COPY_TEXT = "Support ticket form"
REPORT_COPY_TEXT = "Browser check"


class HelpDeskConverter(ThreadItemConverter):
    """The browser report repeats the client tool's output, which the model already has
    as the tool result: leave it out rather than show the model the same data twice.
    Other widgets go by their copy text: the embedded model's context is small."""

    widgets_as_copy_text = True

    async def widget_to_input(self, item: WidgetItem) -> HookResult:
        if item.copy_text == REPORT_COPY_TEXT:
            return []
        return await super().widget_to_input(item)


# Composer tool id -> the agent tool it runs, given the text the user typed.
COMPOSER_TOOLS: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "search": ("search_help_center", lambda text: {"query": text}),
    "ticket": ("open_ticket_form", lambda text: {"details": text}),
    "browser": ("get_browser_info", lambda text: {}),
}


def _text_of(message: UserMessageItem) -> str:
    return " ".join(part.text for part in message.content).strip()


class HelpDeskServer(ChatKitServer[Any]):
    def __init__(
        self,
        store: Store[Any],
        provider: ModelProvider,
        knowledge: KnowledgeBase,
        tickets: TicketDesk,
        attachment_store: AttachmentStore[Any] | None = None,
    ) -> None:
        super().__init__(store, attachment_store)
        self.provider = provider
        self.knowledge = knowledge
        self.tickets = tickets
        # A tiny model loses the question in a long history; keep the last exchanges.
        history = 6 if isinstance(provider, LocalProvider) else 30
        self.agent: Agent[Any] = Agent(
            provider,
            instructions=INSTRUCTIONS,
            tools=self._tools(),
            history_limit=history,
            converter=HelpDeskConverter,
        )

    def _tools(self) -> list[FunctionTool]:
        knowledge = self.knowledge

        @function_tool(
            title="Searched the help center",
            icon="search",
            progress="Searching the help center…",
        )
        async def search_help_center(ctx: AgentContext[Any], query: str) -> ToolResult:
            """Search the Lumen Notes help center for articles.

            Args:
                query: What to look for, in a few words.
            """
            found = knowledge.search(query, limit=3)
            for article in found:
                await ctx.add_workflow_task(
                    CustomTask(
                        title=f"Read “{article.title}”",
                        icon="book-open",
                        status_indicator="complete",
                    )
                )
            if not found:
                return ToolResult("No help center article matches.", summary="No article found")
            # The best match in full, the others by title: small models read little.
            best, *others = found
            output = f"Help center article: {best.title}\n\n{best.body}"
            if others:
                output += "\n\nRelated articles: " + "; ".join(a.title for a in others)
            return ToolResult(
                output,
                sources=[
                    URLSource(title=a.title, url=f"/help/{a.slug}", description=a.body[:140])
                    for a in found
                ],
                summary=f"{len(found)} article{'s' if len(found) > 1 else ''} found",
            )

        @function_tool(ends_turn=True)
        async def open_ticket_form(
            ctx: AgentContext[Any], subject: str = "", details: str = ""
        ) -> str:
            """Show the user a form to open a ticket with the human support team.

            Args:
                subject: A short summary of the problem, if known.
                details: What the user described so far.
            """
            await ctx.stream_widget(
                ticket_form(subject[:120], details[:4000]), copy_text=FORM_COPY_TEXT
            )
            return "The ticket form is shown to the user."

        @function_tool
        async def get_browser_info(ctx: AgentContext[Any]) -> None:
            """Ask the user's browser for its name, language, time zone and screen size,
            to diagnose problems with the web app."""
            ctx.client_tool_call = ClientToolCall(name="get_browser_info", arguments={})

        return [search_help_center, open_ticket_form, get_browser_info]

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        agent_context: AgentContext[Any] = AgentContext(
            thread=thread,
            store=self.store,
            request_context=context,
            attachment_store=self.attachment_store,
        )
        first_call = None
        if input_user_message is None:
            reported = False
            async for event in self._browser_report(thread, context):
                reported = True
                yield event
            if reported:  # answer from the article the report is checked against
                first_call = ("search_help_center", {"query": "supported browsers"})
        else:
            first_call = self._first_call(input_user_message)
        async for event in self.agent.respond(
            agent_context, input_user_message, first_call=first_call
        ):
            yield event
        await ensure_title(thread, input_user_message, self.provider)

    def _first_call(self, message: UserMessageItem) -> tuple[str, dict[str, Any]] | None:
        """The tool to run before the model: the composer tool the user picked, or for a
        model that cannot call tools, a help center search when it has a match."""
        text = _text_of(message)
        choice = message.inference_options.tool_choice
        route = COMPOSER_TOOLS.get(choice.id) if choice is not None else None
        if route is not None:
            name, arguments = route
            return name, arguments(text)
        if isinstance(self.provider, LocalProvider) and self.knowledge.search(text, limit=1):
            return "search_help_center", {"query": text}
        return None

    async def _browser_report(
        self, thread: ThreadMetadata, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        """After the page answered ``get_browser_info``: show what it reported."""
        newest = await self.store.load_thread_items(thread.id, None, 1, "desc", context)
        call = newest.data[0] if newest.data else None
        if (
            isinstance(call, ClientToolCallItem)
            and call.name == "get_browser_info"
            and isinstance(call.output, dict)
        ):
            async for event in stream_widget(
                thread,
                browser_report(call.output),
                copy_text=REPORT_COPY_TEXT,
                generate_id=lambda kind: self.store.generate_item_id(kind, thread, context),
            ):
                yield event

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: Any,
    ) -> AsyncIterator[ThreadStreamEvent]:
        if sender is None or sender.copy_text != FORM_COPY_TEXT:
            raise CustomStreamError("This form was already sent or closed.")
        if action.type == CANCEL_TICKET:
            yield ThreadItemReplacedEvent(
                item=sender.model_copy(
                    update={"widget": ticket_cancelled(), "copy_text": "Ticket not sent"}
                )
            )
            return
        if action.type != SUBMIT_TICKET:
            raise CustomStreamError(f"Unknown action {action.type!r}")
        payload = action.payload if isinstance(action.payload, dict) else {}
        try:
            ticket = TicketRequest.model_validate(payload)
        except ValidationError as error:
            problem = error.errors(include_url=False)[0]
            field = ".".join(str(p) for p in problem["loc"])
            form = ticket_form(
                str(payload.get("subject") or ""),
                str(payload.get("details") or ""),
                error=f"Please check the {field}: {problem['msg'].lower()}.",
            )
            yield ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": form}))
            return
        number = await self.tickets.open(user_id_of(context), thread.id, ticket)
        yield ThreadItemReplacedEvent(
            item=sender.model_copy(
                update={
                    "widget": ticket_opened(number, ticket),
                    "copy_text": f"Ticket #{number}: {ticket.subject}",
                }
            )
        )
        yield ThreadItemDoneEvent(
            item=HiddenContextItem(
                id=self.store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=f"The user opened support ticket #{number} ({ticket.priority} priority): "
                f"{ticket.subject}. The support team answers by email within one business day.",
            )
        )
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id=self.store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[
                    AssistantMessageContent(
                        text=f"Thanks! Ticket **#{number}** is open. The support team will "
                        "answer by email within one business day."
                    )
                ],
            )
        )

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: FeedbackKind, context: Any
    ) -> None:
        logger.info("Feedback %s on %s in %s", feedback, item_ids, thread_id)


__all__ = ["COMPOSER_TOOLS", "INSTRUCTIONS", "HelpDeskServer"]
