"""The reference SDK's ``chatkit.agents`` surface as apps use it, on chatloom: the
pydantic ``AgentContext``, converter hooks returning one item, a list or None,
``ResponseStreamConverter``'s image helpers and ``accumulate_text``. (Whole
conversations are compared with the reference in ``compat/``.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from pydantic import Field, ValidationError

from chatloom.agents import AgentContext, ThreadItemConverter
from chatloom.agents.openai_agents import ResponseStreamConverter, accumulate_text
from chatloom.store.memory import MemoryStore
from chatloom.types import (
    CustomSummary,
    CustomTask,
    EndOfTurnItem,
    HiddenContextItem,
    ThreadMetadata,
    WidgetItem,
    Workflow,
    WorkflowItem,
)
from chatloom.widgets import Card, Markdown, Text

NOW = datetime(2025, 1, 1)
THREAD = ThreadMetadata(id="thr_1", created_at=NOW)


class AppContext(AgentContext[dict[str, str]]):
    store: Annotated[MemoryStore, Field(exclude=True)]
    tenant: str = "acme"


def test_agent_context_is_a_pydantic_model_apps_subclass() -> None:
    store = MemoryStore()
    context = AppContext(thread=THREAD, store=store, request_context={"user_id": "u"})
    assert context.store is store
    assert context.thread is THREAD
    assert context.generated_image_item is None and context.client_tool_call is None
    assert AgentContext.model_config.get("arbitrary_types_allowed") is True
    dumped = context.model_dump()
    assert "store" not in dumped and dumped["tenant"] == "acme"
    with pytest.raises(ValidationError):
        AppContext(thread=THREAD, store=store)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        AppContext(thread=THREAD, store=object(), request_context={})


async def test_end_workflow_keeps_a_summary_it_has_and_ends_even_an_empty_one() -> None:
    context = AppContext(thread=THREAD, store=MemoryStore(), request_context={})
    await context.start_workflow(
        Workflow(type="custom", tasks=[], summary=CustomSummary(title="Planned"))
    )
    await context.end_workflow(expanded=True)
    (done,) = context._queued()
    assert done.type == "thread.item.done"
    assert done.item.workflow.summary == CustomSummary(title="Planned")
    assert done.item.workflow.expanded is True
    assert context.workflow_item is None


async def test_hooks_may_return_one_item_a_list_or_none() -> None:
    class Converter(ThreadItemConverter):
        async def hidden_context_to_input(self, item: HiddenContextItem) -> Any:
            return {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": item.content}],
            }

        async def end_of_turn_to_input(self, item: EndOfTurnItem) -> Any:
            return None

        async def task_content_to_input(self, task: Any) -> Any:
            text = {"type": "input_text", "text": task.title}
            return [{"type": "message", "role": "user", "content": [text]}] * 2

    items = [
        HiddenContextItem(id="h", thread_id="thr_1", created_at=NOW, content="note"),
        EndOfTurnItem(id="e", thread_id="thr_1", created_at=NOW),
        WorkflowItem(
            id="w",
            thread_id="thr_1",
            created_at=NOW,
            workflow=Workflow(type="custom", tasks=[CustomTask(title="Looked")]),
        ),
    ]
    converted = await Converter().to_agent_input(items)
    texts = [item["content"][0]["text"] for item in converted]
    assert texts == ["note", "Looked", "Looked"]


async def test_response_stream_converter_turns_partial_images_into_progress() -> None:
    default = ResponseStreamConverter()
    assert default.partial_image_index_to_progress(1) == 0.0
    three = ResponseStreamConverter(partial_images=3)
    assert three.partial_images == 3
    assert [three.partial_image_index_to_progress(i) for i in range(5)] == [
        0.0,
        1 / 3,
        2 / 3,
        1.0,
        1.0,
    ]
    url = await three.base64_image_to_url(
        image_id="ig_1", base64_image="QUJD", partial_image_index=0
    )
    assert url == "data:image/png;base64,QUJD"


async def test_accumulate_text_replaces_the_placeholder_with_the_streamed_text() -> None:
    def delta(text: str) -> Any:
        data = SimpleNamespace(type="response.output_text.delta", delta=text)
        return SimpleNamespace(type="raw_response_event", data=data)

    async def events() -> AsyncIterator[Any]:
        for piece in ("Sun", "ny"):
            yield delta(piece)

    base = Markdown(id="m", value="Thinking…", streaming=True)
    states = [state async for state in accumulate_text(events(), base)]
    assert [(s.value, s.streaming) for s in states] == [
        ("Thinking…", True),
        ("Sun", True),
        ("Sunny", True),
        ("Sunny", False),
    ]


async def test_a_converter_can_send_widgets_by_their_copy_text() -> None:
    class Compact(ThreadItemConverter):
        widgets_as_copy_text = True

    widget = WidgetItem(
        id="w", thread_id="thr_1", created_at=NOW, widget=Card(children=[Text(value="Ticket #4")])
    )
    with_copy = widget.model_copy(update={"copy_text": "Ticket #4 opened"})
    converted = await Compact().to_agent_input([with_copy, widget])
    intro = "The following graphical UI widget (id: w) was displayed to the user:"
    assert [item["content"][0]["text"] for item in converted] == [
        f"{intro}\nTicket #4 opened",
        intro + '{"children":[{"value":"Ticket #4","type":"Text"}],"type":"Card"}',
    ]
