"""More widget model behaviour: dynamic roots built from typed components."""

from __future__ import annotations

import json
from datetime import datetime

from chatloom.types import WidgetItem, thread_item_adapter, to_wire_json
from chatloom.widgets import (
    Badge,
    BasicRoot,
    Box,
    DynamicWidgetComponent,
    Text,
    parse_widget_root,
)


def test_basic_root_takes_typed_components_and_serializes_them_whole() -> None:
    root = BasicRoot(
        gap=2,
        children=[Text(value="Hi", size=None, weight="bold"), Box(children=[Badge(label="new")])],
    )
    assert isinstance(root.children, list)
    assert isinstance(root.children[0], Text)  # kept as the typed component
    expected = {
        "type": "Basic",
        "gap": 2,
        "children": [
            {"type": "Text", "value": "Hi", "weight": "bold"},
            {"type": "Box", "children": [{"type": "Badge", "label": "new"}]},
        ],
    }
    assert root.model_dump(exclude_none=True) == expected
    item = WidgetItem(id="w1", thread_id="t1", created_at=datetime(2025, 1, 1), widget=root)
    wire = json.loads(to_wire_json(item))
    assert wire["widget"] == expected
    # What a store reads back is the same JSON, now as dynamic components.
    again = thread_item_adapter.validate_json(to_wire_json(item))
    assert isinstance(again, WidgetItem)
    assert again.widget.model_dump(exclude_none=True) == expected


def test_json_children_of_a_dynamic_root_stay_dynamic_with_every_prop() -> None:
    root = parse_widget_root(
        {"type": "Basic", "children": [{"type": "Text", "value": "x", "future": {"a": 1}}]}
    )
    assert isinstance(root.children, list)
    child = root.children[0]
    assert isinstance(child, DynamicWidgetComponent)
    assert child.model_dump(exclude_none=True) == {"type": "Text", "value": "x", "future": {"a": 1}}
