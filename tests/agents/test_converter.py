"""Thread items to model input: every item kind, the attachment seam, chat messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatloom.agents import ThreadItemConverter, simple_to_agent_input
from chatloom.agents.chat_format import to_chat_messages
from chatloom.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    CustomTask,
    EndOfTurnItem,
    FileAttachment,
    HiddenContextItem,
    ImageAttachment,
    InferenceOptions,
    SDKHiddenContextItem,
    StructuredInputAnswer,
    StructuredInputFreeform,
    StructuredInputItem,
    StructuredInputMultipleChoice,
    StructuredInputMultipleChoiceOption,
    ThoughtTask,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
    Workflow,
    WorkflowItem,
)
from chatloom.widgets import Card, Text

NOW = datetime(2025, 1, 1)
BASE: dict[str, Any] = {"thread_id": "thr_1", "created_at": NOW}


def user(*content: Any, **extra: Any) -> UserMessageItem:
    return UserMessageItem(
        id="m", content=list(content), inference_options=InferenceOptions(), **BASE, **extra
    )


async def test_user_text_tags_and_quoted_text() -> None:
    tag = UserMessageTagContent(id="art_1", text="Billing FAQ", data={"article": 7})
    message = user(UserMessageTextContent(text="Summarize "), tag, quoted_text="the refund rules")
    converted = await simple_to_agent_input([message])
    assert converted == [
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "Summarize @Billing FAQ"}],
        },
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "The user is referring to this in particular: \nthe refund rules",
                }
            ],
        },
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "# User-provided context for @-mentions\n- When referencing resolved entities, use their canonical names **without** '@'.\n- The '@' form appears only in user text and should not be echoed.",
                },
                {
                    "type": "input_text",
                    "text": '<mention text="Billing FAQ" id="art_1">{"article": 7}</mention>',
                },
            ],
        },
    ]
    # Quoted text matters only for the message being answered.
    older = await simple_to_agent_input([message, user(UserMessageTextContent(text="ok"))])
    assert not any("quotes" in str(item) for item in older)


class ModelContentStore:
    """Stands in for an attachment store that offers model content (the files seam)."""

    def __init__(self) -> None:
        self.contexts: list[Any] = []

    async def model_content(self, attachment: Any, context: Any) -> list[dict[str, Any]]:
        self.contexts.append(context)
        if attachment.type == "image":
            return [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]
        return [{"type": "text", "text": f"Contents of {attachment.name}: hello"}]


async def test_attachments_use_the_attachment_store_model_content() -> None:
    image = ImageAttachment(
        id="a1", name="shot.png", mime_type="image/png", preview_url="https://x/p.png"
    )
    doc = FileAttachment(id="a2", name="notes.txt", mime_type="text/plain")
    message = user(UserMessageTextContent(text="Look"), attachments=[image, doc])
    store = ModelContentStore()
    converted = await ThreadItemConverter(store, {"user_id": "u"}).to_agent_input([message])  # type: ignore[arg-type]
    assert converted == [
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Look"},
                {
                    "type": "input_image",
                    "image_url": "data:image/png;base64,AAAA",
                    "detail": "auto",
                },
                {"type": "input_text", "text": "Contents of notes.txt: hello"},
            ],
        }
    ]
    assert store.contexts == [{"user_id": "u"}, {"user_id": "u"}]
    assert to_chat_messages(converted) == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look"},
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64,AAAA", "detail": "auto"},
                },
                {"type": "text", "text": "Contents of notes.txt: hello"},
            ],
        }
    ]


async def test_attachments_without_model_content_become_a_note() -> None:
    doc = FileAttachment(id="a2", name="report.pdf", mime_type="application/pdf")
    converted = await simple_to_agent_input(
        [user(UserMessageTextContent(text="See"), attachments=[doc])]
    )
    assert to_chat_messages(converted) == [
        {
            "role": "user",
            "content": "See\n[The user attached file 'report.pdf' (application/pdf); its content is not available to you.]",
        }
    ]


async def test_every_other_item_kind() -> None:
    items: list[Any] = [
        AssistantMessageItem(id="a", content=[AssistantMessageContent(text="Hi!")], **BASE),
        ClientToolCallItem(id="p", call_id="c0", name="pending_tool", arguments={}, **BASE),
        ClientToolCallItem(
            id="c",
            call_id="c1",
            name="get_theme",
            arguments={"x": 1},
            status="completed",
            output={"theme": "dark"},
            **BASE,
        ),
        WidgetItem(
            id="w",
            widget=Card(children=[Text(value="Ticket #4")]),
            copy_text="Ticket #4 opened",
            **BASE,
        ),
        WidgetItem(id="w2", widget=Card(children=[Text(value="Plain")]), **BASE),
        WorkflowItem(
            id="wf",
            workflow=Workflow(
                type="custom",
                tasks=[
                    CustomTask(title="Searched", content="3 articles"),
                    ThoughtTask(content="hmm"),
                ],
            ),
            **BASE,
        ),
        StructuredInputItem(
            id="s",
            status="answered",
            inputs=[
                StructuredInputMultipleChoice(
                    id="q1",
                    question="Plan?",
                    options=[StructuredInputMultipleChoiceOption(value="Pro")],
                    answer=StructuredInputAnswer(values=["Pro"]),
                ),
                StructuredInputFreeform(
                    id="q2", question="Why?", answer=StructuredInputAnswer(skipped=True)
                ),
            ],
            **BASE,
        ),
        HiddenContextItem(id="h", content={"ticket": 4}, **BASE),
        SDKHiddenContextItem(id="sh", content="The user cancelled the stream.", **BASE),
        EndOfTurnItem(id="e", **BASE),
    ]
    messages = to_chat_messages(await simple_to_agent_input(items))
    assert messages == [
        {"role": "assistant", "content": "Hi!"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_theme", "arguments": '{"x": 1}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"theme": "dark"}'},
        {
            "role": "user",
            "content": 'The following graphical UI widget (id: w) was displayed to the user:{"children":[{"value":"Ticket #4","type":"Text"}],"type":"Card"}',
        },
        {
            "role": "user",
            "content": 'The following graphical UI widget (id: w2) was displayed to the user:{"children":[{"value":"Plain","type":"Text"}],"type":"Card"}',
        },
        {
            "role": "user",
            "content": "A message was displayed to the user that the following task was performed:\n<Task>\nSearched: 3 articles\n</Task>",
        },
        {
            "role": "user",
            "content": "A structured input request was displayed to the user with the following status: answered\n<StructuredInput>\n- Plan?: Pro\n- Why?: skipped\n</StructuredInput>",
        },
        {
            "role": "user",
            "content": 'Hidden context for the agent (not shown to the user):\n<HiddenContext>\n{"ticket": 4}\n</HiddenContext>',
        },
        {
            "role": "user",
            "content": "Hidden context for the agent (not shown to the user):\n<HiddenContext>\nThe user cancelled the stream.\n</HiddenContext>",
        },
    ]


async def test_a_hook_can_be_overridden() -> None:
    class TicketTags(ThreadItemConverter):
        async def tag_to_message_content(self, tag: UserMessageTagContent) -> dict[str, Any]:
            return {"type": "input_text", "text": f"<TICKET id={tag.id}/>"}

    tag = UserMessageTagContent(id="t9", text="T-9", data={})
    converted = await TicketTags().to_agent_input(user(tag))
    assert converted[-1]["content"][-1] == {"type": "input_text", "text": "<TICKET id=t9/>"}


def test_an_empty_typed_text_is_left_out_of_chat_messages() -> None:
    item = {
        "type": "message",
        "role": "user",
        "content": [
            {"type": "input_text", "text": ""},
            {"type": "input_text", "text": "Contents of notes.txt: hello"},
        ],
    }
    assert to_chat_messages([item]) == [{"role": "user", "content": "Contents of notes.txt: hello"}]
