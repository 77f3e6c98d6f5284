"""A ChatKit server built the recommended way: the OpenAI Agents SDK plus the
``agents`` helpers of the SDK it is written for.

It is written once, against an import root chosen at run time (``chatkit``, the
reference SDK, or ``chatloom``), exactly as an app written for the reference reads
after porting: the same classes, fields and calls under either root. What it uses: a
custom ``AgentContext`` subclass with excluded pydantic fields, a custom converter
(hidden context, tags, attachments), tools that stream a widget with actions, a
workflow task and hidden context, a client tool, two-phase attachments, a title
agent, image generation with partial images, and widget actions that run the agent.
"""

import importlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from openai import AsyncOpenAI
from pydantic import Field

from agents import (
    Agent,
    ImageGenerationTool,
    OpenAIResponsesModel,
    RunContextWrapper,
    Runner,
    StopAtTools,
    function_tool,
)


def build_server(root: str, base_url: str) -> Any:
    """A fresh server (with empty stores) for SDK ``root``, its model at ``base_url``."""
    ck_agents = importlib.import_module(f"{root}.agents")
    ck_server = importlib.import_module(f"{root}.server")
    ck_store = importlib.import_module(f"{root}.store")
    ck_types = importlib.import_module(f"{root}.types")
    ck_widgets = importlib.import_module(f"{root}.widgets")
    ck_actions = importlib.import_module(f"{root}.actions")

    AgentContext = ck_agents.AgentContext
    ClientToolCall = ck_agents.ClientToolCall
    ThreadItemConverter = ck_agents.ThreadItemConverter
    ResponseStreamConverter = ck_agents.ResponseStreamConverter
    simple_to_agent_input = ck_agents.simple_to_agent_input
    stream_agent_response = ck_agents.stream_agent_response
    t = ck_types

    class MemoryStore(ck_store.Store):  # type: ignore[misc,name-defined]
        """The kind of store an app writes on the abstract Store (the reference has none)."""

        def __init__(self) -> None:
            self.threads: dict[str, Any] = {}
            self.items: dict[str, list[Any]] = {}
            self.attachments: dict[str, Any] = {}

        async def load_thread(self, thread_id: str, context: Any) -> Any:
            if thread_id not in self.threads:
                raise ck_store.NotFoundError(thread_id)
            return self.threads[thread_id].model_copy(deep=True)

        async def save_thread(self, thread: Any, context: Any) -> None:
            self.threads[thread.id] = t.ThreadMetadata(**thread.model_dump())
            self.items.setdefault(thread.id, [])

        async def load_threads(
            self, limit: int, after: str | None, order: str, context: Any
        ) -> Any:
            threads = sorted(
                self.threads.values(), key=lambda x: x.created_at, reverse=order == "desc"
            )
            return t.Page(data=threads[:limit], has_more=len(threads) > limit)

        async def load_thread_items(
            self, thread_id: str, after: str | None, limit: int, order: str, context: Any
        ) -> Any:
            items = list(self.items.get(thread_id, []))
            if order == "desc":
                items.reverse()
            if after is not None:
                ids = [item.id for item in items]
                items = items[ids.index(after) + 1 :] if after in ids else []
            page = items[:limit]
            return t.Page(
                data=[item.model_copy(deep=True) for item in page],
                has_more=len(items) > limit,
                after=page[-1].id if len(items) > limit else None,
            )

        async def add_thread_item(self, thread_id: str, item: Any, context: Any) -> None:
            items = self.items.setdefault(thread_id, [])
            for index, existing in enumerate(items):
                if existing.id == item.id:  # a continued workflow is saved again
                    items[index] = item.model_copy(deep=True)
                    return
            items.append(item.model_copy(deep=True))

        async def save_item(self, thread_id: str, item: Any, context: Any) -> None:
            await self.add_thread_item(thread_id, item, context)

        async def load_item(self, thread_id: str, item_id: str, context: Any) -> Any:
            for item in self.items.get(thread_id, []):
                if item.id == item_id:
                    return item.model_copy(deep=True)
            raise ck_store.NotFoundError(item_id)

        async def delete_thread(self, thread_id: str, context: Any) -> None:
            self.threads.pop(thread_id, None)
            self.items.pop(thread_id, None)

        async def delete_thread_item(self, thread_id: str, item_id: str, context: Any) -> None:
            self.items[thread_id] = [i for i in self.items.get(thread_id, []) if i.id != item_id]

        async def save_attachment(self, attachment: Any, context: Any) -> None:
            self.attachments[attachment.id] = attachment

        async def load_attachment(self, attachment_id: str, context: Any) -> Any:
            if attachment_id not in self.attachments:
                raise ck_store.NotFoundError(attachment_id)
            return self.attachments[attachment_id]

        async def delete_attachment(self, attachment_id: str, context: Any) -> None:
            self.attachments.pop(attachment_id, None)

    class UploadStore(ck_store.AttachmentStore):  # type: ignore[misc,name-defined]
        """Two-phase uploads: the browser PUTs the bytes to a (here imaginary) bucket."""

        def __init__(self, store: MemoryStore) -> None:
            self.store = store

        async def create_attachment(self, input: Any, context: Any) -> Any:
            attachment_id = self.generate_attachment_id(input.mime_type, context)
            upload = t.AttachmentUploadDescriptor(
                url=f"https://files.example.com/upload/{attachment_id}", method="PUT"
            )
            kind = t.ImageAttachment if input.mime_type.startswith("image/") else t.FileAttachment
            extra = {"preview_url": f"https://files.example.com/{attachment_id}"}
            attachment = kind(
                id=attachment_id,
                name=input.name,
                mime_type=input.mime_type,
                upload_descriptor=upload,
                **(extra if kind is t.ImageAttachment else {}),
            )
            await self.store.save_attachment(attachment, context)
            return attachment

        async def delete_attachment(self, attachment_id: str, context: Any) -> None:
            await self.store.delete_attachment(attachment_id, context)

    class AppAgentContext(AgentContext):  # type: ignore[misc,valid-type]
        store: Annotated[MemoryStore, Field(exclude=True)]
        uploads: Annotated[UploadStore, Field(exclude=True)]
        user_name: str = "Ada"

    class AppConverter(ThreadItemConverter):  # type: ignore[misc,valid-type]
        async def attachment_to_message_content(self, attachment: Any) -> Any:
            if attachment.type == "image":
                return {
                    "type": "input_image",
                    "image_url": str(attachment.preview_url),
                    "detail": "auto",
                }
            return {"type": "input_text", "text": f"<File name={attachment.name!r} />"}

        async def tag_to_message_content(self, tag: Any) -> Any:
            return {
                "type": "input_text",
                "text": f"<Place id={tag.id!r}>{tag.data['summary']}</Place>",
            }

        async def hidden_context_to_input(self, item: Any) -> Any:
            if isinstance(item.content, str):
                return await super().hidden_context_to_input(item)
            # One Message, not a list: the hook contract allows either.
            return {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": f"<Clicked>{item.content}</Clicked>"}],
            }

    def forecast_widget(city: str, refreshed: bool = False) -> Any:
        w = ck_widgets
        return w.Card(
            children=[
                w.Title(value=f"Weather in {city}"),
                w.Text(value="Refreshed: 18°C, sunny" if refreshed else "17°C, sunny"),
                w.Button(
                    label="Refresh",
                    onClickAction=ck_actions.ActionConfig(
                        type="forecast.refresh", payload={"city": city}
                    ),
                ),
            ]
        )

    @function_tool
    async def show_forecast(ctx: RunContextWrapper[AppAgentContext], city: str) -> str:
        """Show the weather forecast for a city.

        Args:
            city: The city.
        """
        await ctx.context.add_workflow_task(
            t.CustomTask(title="Looked up the forecast", content=city)
        )
        await ctx.context.stream_widget(forecast_widget(city), copy_text=f"Weather in {city}: 17°C")
        note = t.HiddenContextItem(
            id=ctx.context.generate_id("message"),
            thread_id=ctx.context.thread.id,
            created_at=datetime.now(),
            content={"forecast_city": city},
        )
        await ctx.context.stream(t.ThreadItemDoneEvent(item=note))
        return f"Shown the forecast for {city}: 17°C, sunny"

    @function_tool
    async def get_user_location(ctx: RunContextWrapper[AppAgentContext]) -> str:
        """Ask the user's browser where they are."""
        await ctx.context.add_workflow_task(t.CustomTask(title="Asking your browser"))
        ctx.context.client_tool_call = ClientToolCall(
            name="get_location", arguments={"precise": False}
        )
        return "Asked the browser"

    client = AsyncOpenAI(base_url=base_url, api_key="sk-compat", max_retries=0)
    model = OpenAIResponsesModel(model="gpt-compat", openai_client=client)
    assistant = Agent[AppAgentContext](
        name="Assistant",
        instructions="You are a helpful assistant.",
        model=model,
        tools=[
            show_forecast,
            get_user_location,
            ImageGenerationTool(tool_config={"type": "image_generation", "partial_images": 2}),
        ],
        tool_use_behavior=StopAtTools(stop_at_tool_names=["get_user_location"]),
    )
    title_agent = Agent(
        name="Title", instructions="Title the conversation in a few words.", model=model
    )

    class AppServer(ck_server.ChatKitServer):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            store = MemoryStore()
            self.uploads = UploadStore(store)
            super().__init__(store, self.uploads)
            self.converter = AppConverter()

        def agent_context(self, thread: Any, context: Any) -> Any:
            return AppAgentContext(
                thread=thread, store=self.store, uploads=self.uploads, request_context=context
            )

        async def run_agent(self, thread: Any, context: Any) -> AsyncIterator[Any]:
            agent_context = self.agent_context(thread, context)
            page = await self.store.load_thread_items(thread.id, None, 30, "desc", context)
            input_items = await self.converter.to_agent_input(list(reversed(page.data)))
            result = Runner.run_streamed(assistant, input_items, context=agent_context)
            converter = ResponseStreamConverter(partial_images=2)
            async for event in stream_agent_response(agent_context, result, converter=converter):
                yield event

        async def respond(
            self, thread: Any, input_user_message: Any, context: Any
        ) -> AsyncIterator[Any]:
            if thread.title is None and input_user_message is not None:
                # The default converter cannot read attachments on the reference.
                convert = (
                    self.converter.to_agent_input
                    if input_user_message.attachments
                    else simple_to_agent_input
                )
                titled = await Runner.run(title_agent, await convert(input_user_message))
                thread.title = str(titled.final_output)
                await self.store.save_thread(thread, context)
            async for event in self.run_agent(thread, context):
                yield event

        async def action(
            self, thread: Any, action: Any, sender: Any, context: Any
        ) -> AsyncIterator[Any]:
            if action.type != "forecast.refresh":
                return
            city = action.payload["city"]
            yield t.ThreadItemDoneEvent(
                item=t.HiddenContextItem(
                    id=self.store.generate_item_id("message", thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    content=f"The user pressed Refresh for {city}.",
                )
            )
            if sender is not None:
                refreshed = sender.model_copy(update={"widget": forecast_widget(city, True)})
                yield t.ThreadItemReplacedEvent(item=refreshed)
            async for event in self.run_agent(thread, context):
                yield event

    return AppServer()
