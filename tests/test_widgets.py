"""Widget models, templates, diffs and streaming, and typed actions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import jinja2
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from chatloom.actions import Action, ActionConfig
from chatloom.server import diff_widget, stream_widget
from chatloom.types import ThreadMetadata, WidgetItem, to_wire_json
from chatloom.widgets import (
    BasicRoot,
    Button,
    Card,
    Chart,
    DynamicWidgetComponent,
    DynamicWidgetRoot,
    Form,
    Input,
    ListView,
    ListViewItem,
    Markdown,
    Table,
    TableCell,
    TableRow,
    Text,
    Title,
    WidgetTemplate,
    parse_widget_root,
)

THREAD = ThreadMetadata(id="thr_1", created_at=datetime(2025, 1, 1))


def wire(model: BaseModel) -> Any:
    return json.loads(to_wire_json(model))


def test_none_props_are_dropped_at_every_depth() -> None:
    card = Card(
        children=[
            Title(value="Order", size=None),
            Form(children=[Input(name="email", placeholder=None, required=True)]),
        ],
        confirm={"label": "Send", "action": ActionConfig(type="submit")},
    )
    assert card.model_dump() == {
        "type": "Card",
        "children": [
            {"type": "Title", "value": "Order"},
            {"type": "Form", "children": [{"type": "Input", "name": "email", "required": True}]},
        ],
        "confirm": {
            "label": "Send",
            "action": {
                "type": "submit",
                "handler": "server",
                "loadingBehavior": "auto",
                "streaming": True,
            },
        },
    }


def test_props_newer_clients_know_survive_a_round_trip() -> None:
    raw = {
        "type": "Card",
        "border": {"size": 1, "color": "subtle"},
        "futureProp": {"x": 1},
        "children": [
            {
                "type": "Table",
                "children": [
                    {
                        "type": "Table.Row",
                        "header": True,
                        "children": [
                            {
                                "type": "Table.Cell",
                                "colSpan": 2,
                                "children": [{"type": "Text", "value": "Name"}],
                            }
                        ],
                    }
                ],
            },
            {
                "type": "Sparkline",
                "points": [1, 3, 2],
                "children": [{"type": "Caption", "value": "7d"}],
            },
        ],
    }
    root = parse_widget_root(raw)
    assert isinstance(root, Card)
    assert isinstance(root.children[0], Table) and isinstance(
        root.children[0].children[0], TableRow
    )  # type: ignore[index]
    assert isinstance(root.children[0].children[0].children[0], TableCell)  # type: ignore[index]
    assert isinstance(root.children[1], DynamicWidgetComponent)
    assert root.model_dump(exclude_none=True) == raw


def test_known_components_validate_their_props() -> None:
    with pytest.raises(ValidationError):
        parse_widget_root({"type": "Card", "children": [{"type": "Text"}]})  # no value
    with pytest.raises(ValidationError):
        parse_widget_root({"type": "Card", "children": [{"type": "Icon", "name": "not-an-icon"}]})
    with pytest.raises(ValidationError):
        parse_widget_root({"type": "Popup", "children": []})  # not a root type


def test_basic_roots_and_charts() -> None:
    basic = parse_widget_root(
        {"type": "Basic", "direction": "row", "children": [{"type": "Text", "value": "hi"}]}
    )
    assert isinstance(basic, DynamicWidgetRoot) and basic.type == "Basic"
    item = WidgetItem(
        id="w", thread_id="t", created_at=datetime(2025, 1, 1), widget=BasicRoot(children=[])
    )
    assert wire(item)["widget"] == {"type": "Basic", "children": []}
    chart = Chart(
        data=[{"day": "Mon", "sales": 3}],
        series=[{"type": "bar", "label": "Sales", "dataKey": "sales", "color": "blue"}],  # type: ignore[list-item]
        xAxis="day",
    )
    assert wire(Card(children=[chart]))["children"][0] == {
        "type": "Chart",
        "data": [{"day": "Mon", "sales": 3}],
        "series": [{"type": "bar", "label": "Sales", "dataKey": "sales", "color": "blue"}],
        "xAxis": "day",
    }


TEMPLATE = {
    "version": "1.0",
    "name": "Order",
    "template": (
        '{"type": "ListView", "children": ['
        "{% for item in items %}"
        "{% if not loop.first %},{% endif %}"
        '{"type": "ListViewItem", "children": [{"type": "Text", "value": {{ (item.name) | tojson }}}],'
        ' "onClickAction": {"type": "pick", "payload": {"id": {{ item.id | tojson }}}}}'
        "{% endfor %}]}"
    ),
    "jsonSchema": {"type": "object"},
}


class Order(BaseModel):
    items: list[dict[str, Any]]


def test_template_builds_a_validated_root_from_data() -> None:
    template = WidgetTemplate(TEMPLATE)
    assert template.name == "Order" and template.data_schema == {"type": "object"}
    root = template.build(
        Order(items=[{"id": 1, "name": 'Tea "green"'}, {"id": 2, "name": "Cake"}])
    )
    assert root.type == "ListView"
    assert wire(root)["children"][0] == {
        "type": "ListViewItem",
        "children": [{"type": "Text", "value": 'Tea "green"'}],
        "onClickAction": {"type": "pick", "payload": {"id": 1}},
    }


def test_template_errors_are_explicit(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="version"):
        WidgetTemplate({**TEMPLATE, "version": "2.0"})
    with pytest.raises(jinja2.UndefinedError):
        WidgetTemplate(TEMPLATE).build({})
    with pytest.raises(ValidationError):
        WidgetTemplate({**TEMPLATE, "template": '{"type": "Text", "value": "x"}'}).build()
    path = tmp_path / "order.widget"
    path.write_text(json.dumps(TEMPLATE), encoding="utf-8")
    assert WidgetTemplate.from_file(path).build({"items": []}).type == "ListView"


def streaming_card(text: str, streaming: bool = True) -> Card:
    return Card(
        children=[Title(value="Answer"), Markdown(id="body", value=text, streaming=streaming)]
    )


def test_diff_widget_streams_text_growth_as_deltas() -> None:
    updates = diff_widget(streaming_card("Hel"), streaming_card("Hello"))
    assert [wire(u) for u in updates] == [
        {
            "type": "widget.streaming_text.value_delta",
            "component_id": "body",
            "delta": "lo",
            "done": False,
        }
    ]
    assert diff_widget(streaming_card("Hello"), streaming_card("Hello")) == []


@pytest.mark.parametrize(
    "after",
    [
        Card(children=[Title(value="Other"), Markdown(id="body", value="Hello", streaming=True)]),
        streaming_card("Hex"),  # not an extension
        streaming_card("Hello", streaming=False),  # streaming flag flipped
        Card(children=[Title(value="Answer")]),  # structure changed
    ],
)
def test_diff_widget_replaces_the_root_for_other_changes(after: Card) -> None:
    updates = diff_widget(streaming_card("Hel"), after)
    assert [u.type for u in updates] == ["widget.root.updated"]


def test_text_without_id_cannot_stream_so_it_replaces() -> None:
    before = Card(children=[Text(value="a")])
    assert [u.type for u in diff_widget(before, Card(children=[Text(value="ab")]))] == [
        "widget.root.updated"
    ]


async def test_stream_widget_static_and_generated() -> None:
    ids = iter(["msg_1", "msg_2"])
    static = [
        e
        async for e in stream_widget(
            THREAD, Card(children=[]), copy_text="copy me", generate_id=lambda kind: next(ids)
        )
    ]
    assert [wire(e) | {"item": {**wire(e)["item"], "created_at": "-"}} for e in static] == [
        {
            "type": "thread.item.done",
            "item": {
                "id": "msg_1",
                "thread_id": "thr_1",
                "created_at": "-",
                "type": "widget",
                "widget": {"type": "Card", "children": []},
                "copy_text": "copy me",
            },
        }
    ]

    async def states() -> AsyncIterator[Card]:
        for text in ("", "Hi", "Hi there"):
            yield streaming_card(text)
        yield streaming_card("Hi there", streaming=False)

    events = [
        wire(e) async for e in stream_widget(THREAD, states(), generate_id=lambda kind: next(ids))
    ]
    assert [e["type"] for e in events] == [
        "thread.item.added",
        "thread.item.updated",
        "thread.item.updated",
        "thread.item.updated",
        "thread.item.done",
    ]
    assert [e["update"].get("delta") for e in events[1:3]] == ["Hi", " there"]
    assert events[3]["update"]["type"] == "widget.root.updated"
    assert events[-1]["item"]["widget"]["children"][1] == {
        "type": "Markdown",
        "id": "body",
        "value": "Hi there",
        "streaming": False,
    }


class Pick(BaseModel):
    id: int


PickAction = Action[Literal["pick"], Pick]
ClearAction = Action[Literal["clear"], None]


def test_typed_actions_create_configs_and_parse_payloads() -> None:
    config = PickAction.create(Pick(id=7), loading_behavior="container")
    assert wire(Button(label="Go", onClickAction=config))["onClickAction"] == {
        "type": "pick",
        "payload": {"id": 7},
        "handler": "server",
        "loadingBehavior": "container",
        "streaming": True,
    }
    assert ClearAction.create(None, handler="client", streaming=False).model_dump() == {
        "type": "clear",
        "payload": None,
        "handler": "client",
        "loadingBehavior": "auto",
        "streaming": False,
    }
    adapter: TypeAdapter[PickAction | ClearAction] = TypeAdapter(PickAction | ClearAction)
    received = Action[str, Any](type="pick", payload={"id": "3"})
    parsed = adapter.validate_python(received.model_dump())
    assert isinstance(parsed, PickAction) and parsed.payload == Pick(id=3)
    with pytest.raises(ValidationError):
        adapter.validate_python({"type": "pick", "payload": {"id": "three"}})
    with pytest.raises(TypeError):
        Action[str, Any].create({})


def test_list_view_rows_take_actions() -> None:
    view = ListView(
        limit=3,
        children=[
            ListViewItem(children=[Text(value="Row")], onClickAction=ActionConfig(type="open"))
        ],
    )
    assert wire(view)["limit"] == 3


def test_numbers_keep_their_type_on_the_wire() -> None:
    from chatloom.widgets import Box, Image

    assert to_wire_json(Box(height=100, padding={"x": 2}, aspectRatio=1.5)) == (
        b'{"type":"Box","height":100,"aspectRatio":1.5,"padding":{"x":2}}'
    )
    assert (
        to_wire_json(Image(src="/a.png", width=64)) == b'{"type":"Image","width":64,"src":"/a.png"}'
    )
