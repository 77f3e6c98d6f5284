"""Widget components: typed models of the JSON trees a widget item carries.

Every component keeps props it does not model (``extra="allow"``), so a prop that a
newer client understands reaches it intact, and an unknown component type parses as
a :class:`DynamicWidgetComponent` instead of failing. Serialization drops ``None``
values at every depth, as the client expects.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

import jinja2
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializationInfo,
    SerializeAsAny,
    SerializerFunctionWrapHandler,
    Tag,
    TypeAdapter,
    model_serializer,
)
from typing_extensions import TypedDict

from .actions import ActionConfig
from .icons import IconName

# --- shared prop types -------------------------------------------------------------


class ThemeColor(TypedDict):
    """A colour per colour scheme."""

    dark: str
    light: str


Color: TypeAlias = str | ThemeColor
"""A colour token (``secondary``, ``blue-600``, ``surface``...), a CSS colour, or both schemes."""


class Spacing(TypedDict, total=False):
    top: int | float | str
    right: int | float | str
    bottom: int | float | str
    left: int | float | str
    x: int | float | str
    y: int | float | str


class Border(TypedDict, total=False):
    size: int
    color: Color
    style: Literal["solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset"]


class Borders(TypedDict, total=False):
    top: int | Border
    right: int | Border
    bottom: int | Border
    left: int | Border
    x: int | Border
    y: int | Border


class MinMax(TypedDict, total=False):
    min: int | str
    max: int | str


class EditableProps(TypedDict, total=False):
    name: str
    autoFocus: bool
    autoSelect: bool
    autoComplete: str
    allowAutofillExtensions: bool
    pattern: str
    placeholder: str
    required: bool


class WidgetStatusWithFavicon(TypedDict, total=False):
    text: str
    favicon: str
    frame: bool


class WidgetStatusWithIcon(TypedDict, total=False):
    text: str
    icon: IconName


WidgetStatus: TypeAlias = WidgetStatusWithFavicon | WidgetStatusWithIcon
WidgetIcon: TypeAlias = IconName


class CardAction(TypedDict):
    label: str
    action: ActionConfig


class SelectOption(TypedDict, total=False):
    value: str
    label: str
    disabled: bool
    description: str


class RadioOption(TypedDict, total=False):
    label: str
    value: str
    disabled: bool


class XAxisConfig(TypedDict, total=False):
    dataKey: str
    hide: bool
    labels: dict[str | int, str]


RadiusValue = Literal[
    "2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "full", "100%", "none"
]
TextAlign = Literal["start", "center", "end"]
TextSize = Literal["xs", "sm", "md", "lg", "xl"]
IconSize = Literal["xs", "sm", "md", "lg", "xl", "2xl", "3xl"]
TitleSize = Literal["sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "5xl"]
CaptionSize = Literal["sm", "md", "lg"]
Alignment = Literal["start", "center", "end", "baseline", "stretch"]
Justification = Literal["start", "center", "end", "between", "around", "evenly", "stretch"]
ControlVariant = Literal["solid", "soft", "outline", "ghost"]
ControlSize = Literal["3xs", "2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl"]
FontWeight = Literal["normal", "medium", "semibold", "bold"]
CurveType = Literal[
    "basis", "basisClosed", "basisOpen", "bumpX", "bumpY", "bump", "linear", "linearClosed",
    "natural", "monotoneX", "monotoneY", "monotone", "step", "stepBefore", "stepAfter",
]  # fmt: skip
Size = int | str


# --- base ----------------------------------------------------------------------------


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None or k == "children"}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


class WidgetComponentBase(BaseModel):
    """Fields every widget node has. ``id`` names a node for streaming updates."""

    model_config = ConfigDict(extra="allow")

    key: str | None = None
    id: str | None = None
    type: str

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            data = _drop_none(data)
            data["type"] = self.type
            if info.exclude_none and data.get("children", 0) is None:
                del data["children"]
        return data


# --- layout --------------------------------------------------------------------------


class BlockProps(WidgetComponentBase):
    """Sizing shared by boxes, images and charts (numbers are pixels)."""

    flex: int | str | None = None
    height: int | float | str | None = None
    width: int | float | str | None = None
    size: int | float | str | None = None
    minHeight: int | float | str | None = None
    minWidth: int | float | str | None = None
    minSize: int | float | str | None = None
    maxHeight: int | float | str | None = None
    maxWidth: int | float | str | None = None
    maxSize: int | float | str | None = None
    aspectRatio: int | float | str | None = None


class BoxBase(BlockProps):
    children: list[WidgetComponent] | None = None
    align: Alignment | None = None
    justify: Justification | None = None
    wrap: Literal["nowrap", "wrap", "wrap-reverse"] | None = None
    gap: int | str | None = None
    padding: int | float | str | Spacing | None = None
    margin: int | float | str | Spacing | None = None
    border: int | Border | Borders | None = None
    radius: RadiusValue | None = None
    background: Color | None = None


class Box(BoxBase):
    type: Literal["Box"] = "Box"
    direction: Literal["row", "col"] | None = None


class Row(BoxBase):
    type: Literal["Row"] = "Row"


class Col(BoxBase):
    type: Literal["Col"] = "Col"


class Form(BoxBase):
    """Collects its controls' values into the payload of every action fired inside it."""

    type: Literal["Form"] = "Form"
    onSubmitAction: ActionConfig | None = None
    direction: Literal["row", "col"] | None = None


class Spacer(WidgetComponentBase):
    type: Literal["Spacer"] = "Spacer"
    minSize: int | str | None = None


class Divider(WidgetComponentBase):
    type: Literal["Divider"] = "Divider"
    color: Color | None = None
    size: int | str | None = None
    spacing: int | str | None = None
    flush: bool | None = None


class Transition(WidgetComponentBase):
    """Animates layout changes of its single child."""

    type: Literal["Transition"] = "Transition"
    children: WidgetComponent | None


# --- text ----------------------------------------------------------------------------


class Text(WidgetComponentBase):
    type: Literal["Text"] = "Text"
    value: str
    streaming: bool | None = None
    italic: bool | None = None
    lineThrough: bool | None = None
    color: Color | None = None
    weight: FontWeight | None = None
    width: int | float | str | None = None
    size: TextSize | None = None
    textAlign: TextAlign | None = None
    truncate: bool | None = None
    minLines: int | None = None
    maxLines: int | None = None
    editable: Literal[False] | EditableProps | None = None


class Title(WidgetComponentBase):
    type: Literal["Title"] = "Title"
    value: str
    color: Color | None = None
    weight: FontWeight | None = None
    size: TitleSize | None = None
    textAlign: TextAlign | None = None
    truncate: bool | None = None
    maxLines: int | None = None


class Caption(WidgetComponentBase):
    type: Literal["Caption"] = "Caption"
    value: str
    color: Color | None = None
    weight: FontWeight | None = None
    size: CaptionSize | None = None
    textAlign: TextAlign | None = None
    truncate: bool | None = None
    maxLines: int | None = None


class Markdown(WidgetComponentBase):
    type: Literal["Markdown"] = "Markdown"
    value: str
    streaming: bool | None = None


class Label(WidgetComponentBase):
    type: Literal["Label"] = "Label"
    value: str
    fieldName: str
    size: TextSize | None = None
    weight: FontWeight | None = None
    textAlign: TextAlign | None = None
    color: Color | None = None


# --- content -------------------------------------------------------------------------


class Badge(WidgetComponentBase):
    type: Literal["Badge"] = "Badge"
    label: str
    color: Literal["secondary", "success", "danger", "warning", "info", "discovery"] | None = None
    variant: Literal["solid", "soft", "outline"] | None = None
    size: Literal["sm", "md", "lg"] | None = None
    pill: bool | None = None


class Icon(WidgetComponentBase):
    type: Literal["Icon"] = "Icon"
    name: WidgetIcon
    color: Color | None = None
    size: IconSize | None = None


class Image(BlockProps):
    type: Literal["Image"] = "Image"
    src: str
    alt: str | None = None
    fit: Literal["cover", "contain", "fill", "scale-down", "none"] | None = None
    position: (
        Literal[
            "top left", "top", "top right", "left", "center", "right",
            "bottom left", "bottom", "bottom right",
        ]
        | None
    ) = None  # fmt: skip
    radius: RadiusValue | None = None
    frame: bool | None = None
    flush: bool | None = None
    margin: int | str | Spacing | None = None
    background: Color | None = None


class TableCell(WidgetComponentBase):
    type: Literal["Table.Cell"] = "Table.Cell"
    children: list[WidgetComponent] | None = None
    width: Size | None = None
    padding: int | float | str | Spacing | None = None
    colSpan: int | None = None
    rowSpan: int | None = None
    align: Literal["start", "center", "end"] | None = None
    vAlign: Literal["start", "center", "end"] | None = None
    colSize: Literal["xs", "sm", "md", "lg", "xl"] | None = None


class TableRow(WidgetComponentBase):
    type: Literal["Table.Row"] = "Table.Row"
    children: list[TableCell] | None = None
    header: bool | None = None


class Table(WidgetComponentBase):
    type: Literal["Table"] = "Table"
    children: list[TableRow] | None = None


class BarSeries(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["bar"] = "bar"
    label: str | None
    dataKey: str
    stack: str | None = None
    color: Color | None = None


class AreaSeries(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["area"] = "area"
    label: str | None
    dataKey: str
    stack: str | None = None
    color: Color | None = None
    curveType: CurveType | None = None


class LineSeries(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["line"] = "line"
    label: str | None
    dataKey: str
    color: Color | None = None
    curveType: CurveType | None = None


Series = Annotated[BarSeries | AreaSeries | LineSeries, Field(discriminator="type")]


class Chart(BlockProps):
    type: Literal["Chart"] = "Chart"
    data: list[dict[str, str | int | float]]
    series: list[Series]
    xAxis: str | XAxisConfig
    showYAxis: bool | None = None
    showLegend: bool | None = None
    showTooltip: bool | None = None
    barGap: int | None = None
    barCategoryGap: int | None = None


# --- controls ------------------------------------------------------------------------


class Button(WidgetComponentBase):
    type: Literal["Button"] = "Button"
    submit: bool | None = None
    label: str | None = None
    onClickAction: ActionConfig | None = None
    iconStart: WidgetIcon | None = None
    iconEnd: WidgetIcon | None = None
    style: Literal["primary", "secondary"] | None = None
    iconSize: Literal["sm", "md", "lg", "xl", "2xl"] | None = None
    color: (
        Literal[
            "primary", "secondary", "info", "discovery", "success", "caution", "warning", "danger"
        ]
        | None
    ) = None
    variant: ControlVariant | None = None
    size: ControlSize | None = None
    pill: bool | None = None
    uniform: bool | None = None
    block: bool | None = None
    disabled: bool | None = None


GutterSize = Literal["2xs", "xs", "sm", "md", "lg", "xl"]


class Input(WidgetComponentBase):
    type: Literal["Input"] = "Input"
    name: str
    inputType: Literal["number", "email", "text", "password", "tel", "url"] | None = None
    defaultValue: str | None = None
    required: bool | None = None
    pattern: str | None = None
    placeholder: str | None = None
    allowAutofillExtensions: bool | None = None
    autoSelect: bool | None = None
    autoFocus: bool | None = None
    disabled: bool | None = None
    variant: Literal["soft", "outline"] | None = None
    size: ControlSize | None = None
    gutterSize: GutterSize | None = None
    pill: bool | None = None


class Textarea(WidgetComponentBase):
    type: Literal["Textarea"] = "Textarea"
    name: str
    defaultValue: str | None = None
    required: bool | None = None
    pattern: str | None = None
    placeholder: str | None = None
    autoSelect: bool | None = None
    autoFocus: bool | None = None
    disabled: bool | None = None
    variant: Literal["soft", "outline"] | None = None
    size: ControlSize | None = None
    gutterSize: GutterSize | None = None
    rows: int | None = None
    autoResize: bool | None = None
    maxRows: int | None = None
    allowAutofillExtensions: bool | None = None


class Select(WidgetComponentBase):
    type: Literal["Select"] = "Select"
    name: str
    options: list[SelectOption]
    onChangeAction: ActionConfig | None = None
    placeholder: str | None = None
    defaultValue: str | None = None
    variant: ControlVariant | None = None
    size: ControlSize | None = None
    pill: bool | None = None
    block: bool | None = None
    clearable: bool | None = None
    disabled: bool | None = None
    searchable: bool | None = None


class DatePicker(WidgetComponentBase):
    type: Literal["DatePicker"] = "DatePicker"
    name: str
    onChangeAction: ActionConfig | None = None
    placeholder: str | None = None
    defaultValue: datetime | None = None
    min: datetime | None = None
    max: datetime | None = None
    variant: ControlVariant | None = None
    size: ControlSize | None = None
    side: Literal["top", "bottom", "left", "right"] | None = None
    align: Literal["start", "center", "end"] | None = None
    pill: bool | None = None
    block: bool | None = None
    clearable: bool | None = None
    disabled: bool | None = None


class Checkbox(WidgetComponentBase):
    type: Literal["Checkbox"] = "Checkbox"
    name: str
    label: str | None = None
    defaultChecked: bool | None = None
    onChangeAction: ActionConfig | None = None
    disabled: bool | None = None
    required: bool | None = None


class RadioGroup(WidgetComponentBase):
    type: Literal["RadioGroup"] = "RadioGroup"
    name: str
    options: list[RadioOption] | None = None
    ariaLabel: str | None = None
    onChangeAction: ActionConfig | None = None
    defaultValue: str | None = None
    direction: Literal["row", "col"] | None = None
    disabled: bool | None = None
    required: bool | None = None


# --- roots ---------------------------------------------------------------------------


class ListViewItem(WidgetComponentBase):
    """A row of a ListView; the whole row is clickable when it has an action."""

    type: Literal["ListViewItem"] = "ListViewItem"
    children: list[WidgetComponent]
    onClickAction: ActionConfig | None = None
    gap: int | str | None = None
    align: Alignment | None = None


class Card(WidgetComponentBase):
    type: Literal["Card"] = "Card"
    children: list[WidgetComponent]
    asForm: bool | None = None
    background: Color | None = None
    border: int | Border | Borders | None = None
    size: Literal["sm", "md", "lg", "full"] | None = None
    padding: int | float | str | Spacing | None = None
    status: WidgetStatus | None = None
    collapsed: bool | None = None
    confirm: CardAction | None = None
    cancel: CardAction | None = None
    theme: Literal["light", "dark"] | None = None


class ListView(WidgetComponentBase):
    type: Literal["ListView"] = "ListView"
    children: list[ListViewItem]
    limit: int | Literal["auto"] | None = None
    status: WidgetStatus | None = None
    theme: Literal["light", "dark"] | None = None


class DynamicWidgetComponent(WidgetComponentBase):
    """Any component, known or not, with all of its props kept."""

    children: DynamicChild | list[DynamicChild] | None = None


def _dynamic_child_tag(value: Any) -> str:
    typed = isinstance(value, WidgetComponentBase) and not isinstance(value, DynamicWidgetComponent)
    return "typed" if typed else "dynamic"


DynamicChild = Annotated[
    Annotated[SerializeAsAny[WidgetComponentBase], Tag("typed")]
    | Annotated[DynamicWidgetComponent, Tag("dynamic")],
    Discriminator(_dynamic_child_tag),
]
"""A child of a dynamic component (e.g. of a ``BasicRoot``): JSON parses as a
:class:`DynamicWidgetComponent`, and a typed component (``Text(...)``) is kept as is,
so ``BasicRoot(children=[Text(value="Hi")])`` works."""


class DynamicWidgetRoot(DynamicWidgetComponent):
    type: Literal["Card", "ListView", "Basic"]


class BasicRoot(DynamicWidgetRoot):
    """A free-form root, used for entity previews and as a thread widget."""

    type: Literal["Basic"] = "Basic"


_COMPONENT_CLASSES: tuple[type[WidgetComponentBase], ...] = (
    Card, ListView, ListViewItem, Box, Row, Col, Form, Spacer, Divider, Transition, Text,
    Title, Caption, Markdown, Label, Badge, Icon, Image, Table, TableRow, TableCell, Chart,
    Button, Input, Textarea, Select, DatePicker, Checkbox, RadioGroup,
)  # fmt: skip
_KNOWN_TYPES = frozenset(cls.model_fields["type"].default for cls in _COMPONENT_CLASSES)


def _component_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, Mapping) else getattr(value, "type", None)
    if isinstance(value, DynamicWidgetComponent) or kind not in _KNOWN_TYPES:
        return "dynamic"
    return str(kind)


def _root_tag(value: Any) -> str:
    tag = _component_tag(value)
    return tag if tag in ("Card", "ListView") else "dynamic"


StrictWidgetComponent = Annotated[
    Card
    | ListView
    | ListViewItem
    | Box
    | Row
    | Col
    | Form
    | Spacer
    | Divider
    | Transition
    | Text
    | Title
    | Caption
    | Markdown
    | Label
    | Badge
    | Icon
    | Image
    | Table
    | TableRow
    | TableCell
    | Chart
    | Button
    | Input
    | Textarea
    | Select
    | DatePicker
    | Checkbox
    | RadioGroup,
    Field(discriminator="type"),
]
WidgetComponent = Annotated[
    Annotated[Card, Tag("Card")]
    | Annotated[ListView, Tag("ListView")]
    | Annotated[ListViewItem, Tag("ListViewItem")]
    | Annotated[Box, Tag("Box")]
    | Annotated[Row, Tag("Row")]
    | Annotated[Col, Tag("Col")]
    | Annotated[Form, Tag("Form")]
    | Annotated[Spacer, Tag("Spacer")]
    | Annotated[Divider, Tag("Divider")]
    | Annotated[Transition, Tag("Transition")]
    | Annotated[Text, Tag("Text")]
    | Annotated[Title, Tag("Title")]
    | Annotated[Caption, Tag("Caption")]
    | Annotated[Markdown, Tag("Markdown")]
    | Annotated[Label, Tag("Label")]
    | Annotated[Badge, Tag("Badge")]
    | Annotated[Icon, Tag("Icon")]
    | Annotated[Image, Tag("Image")]
    | Annotated[Table, Tag("Table")]
    | Annotated[TableRow, Tag("Table.Row")]
    | Annotated[TableCell, Tag("Table.Cell")]
    | Annotated[Chart, Tag("Chart")]
    | Annotated[Button, Tag("Button")]
    | Annotated[Input, Tag("Input")]
    | Annotated[Textarea, Tag("Textarea")]
    | Annotated[Select, Tag("Select")]
    | Annotated[DatePicker, Tag("DatePicker")]
    | Annotated[Checkbox, Tag("Checkbox")]
    | Annotated[RadioGroup, Tag("RadioGroup")]
    | Annotated[DynamicWidgetComponent, Tag("dynamic")],
    Discriminator(_component_tag),
]
"""Any widget node: a typed component, or a dynamic one for types this SDK does not model."""

StrictWidgetRoot = Annotated[Card | ListView | BasicRoot, Field(discriminator="type")]
WidgetRoot = Annotated[
    Annotated[Card, Tag("Card")]
    | Annotated[ListView, Tag("ListView")]
    | Annotated[DynamicWidgetRoot, Tag("dynamic")],
    Discriminator(_root_tag),
]
"""The root of a widget item: a Card, a ListView or a Basic root."""

_REBUILT: tuple[type[BaseModel], ...] = (
    *_COMPONENT_CLASSES,
    DynamicWidgetComponent,
    BasicRoot,
    DynamicWidgetRoot,
)
for _model in _REBUILT:
    _model.model_rebuild()

_root_adapter: TypeAdapter[Any] = TypeAdapter(WidgetRoot)
_dynamic_root_adapter: TypeAdapter[DynamicWidgetRoot] = TypeAdapter(DynamicWidgetRoot)


def parse_widget_root(data: Any) -> Card | ListView | DynamicWidgetRoot:
    """Validate a JSON-like root into its typed model."""
    return _root_adapter.validate_python(data)  # type: ignore[no-any-return]


# --- templates -----------------------------------------------------------------------

_jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


class WidgetTemplate:
    """A ``.widget`` file: a Jinja2 template that renders widget JSON from data."""

    def __init__(self, definition: Mapping[str, Any]) -> None:
        version = definition.get("version")
        if version != "1.0":
            raise ValueError(f"Unsupported widget template version: {version!r} (expected '1.0')")
        self.version: str = version
        self.name: str = str(definition.get("name", ""))
        template = definition.get("template")
        if isinstance(template, jinja2.Template):
            self.template = template
        elif isinstance(template, str):
            self.template = _jinja.from_string(template)
        else:
            raise ValueError("A widget template needs a 'template' string")
        self.data_schema: dict[str, Any] = dict(definition.get("jsonSchema") or {})

    @classmethod
    def from_file(cls, file_path: str | Path) -> WidgetTemplate:
        """Load a ``.widget`` file; a relative path resolves against the caller's file."""
        path = Path(file_path)
        if not path.is_absolute():
            caller = inspect.stack()[1].filename
            path = Path(caller).resolve().parent / path
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def build(self, data: Mapping[str, Any] | BaseModel | None = None) -> DynamicWidgetRoot:
        """Render the template with ``data`` and validate the resulting root."""
        values = data.model_dump() if isinstance(data, BaseModel) else dict(data or {})
        rendered = self.template.render(**values)
        return _dynamic_root_adapter.validate_json(rendered)

    def build_basic(self, data: Mapping[str, Any] | BaseModel | None = None) -> BasicRoot:
        """Render a ``Basic`` root (kept for the reference's older name; prefer ``build``)."""
        root = self.build(data)
        if root.type != "Basic":
            raise ValueError(f"Template {self.name!r} renders a {root.type}, not a Basic root")
        return BasicRoot.model_validate(root.model_dump())


__all__ = [
    "ActionConfig",
    "Alignment",
    "AreaSeries",
    "Badge",
    "BarSeries",
    "BasicRoot",
    "BlockProps",
    "Border",
    "Borders",
    "Box",
    "BoxBase",
    "Button",
    "Caption",
    "CaptionSize",
    "Card",
    "CardAction",
    "Chart",
    "Checkbox",
    "Col",
    "ControlSize",
    "ControlVariant",
    "CurveType",
    "DatePicker",
    "Divider",
    "DynamicWidgetComponent",
    "DynamicWidgetRoot",
    "EditableProps",
    "Form",
    "Icon",
    "IconSize",
    "Image",
    "Input",
    "Justification",
    "Label",
    "LineSeries",
    "ListView",
    "ListViewItem",
    "Markdown",
    "MinMax",
    "RadioGroup",
    "RadioOption",
    "RadiusValue",
    "Row",
    "Select",
    "SelectOption",
    "Series",
    "Spacer",
    "Spacing",
    "StrictWidgetComponent",
    "StrictWidgetRoot",
    "Table",
    "TableCell",
    "TableRow",
    "Text",
    "TextAlign",
    "TextSize",
    "Textarea",
    "ThemeColor",
    "Title",
    "TitleSize",
    "Transition",
    "WidgetComponent",
    "WidgetComponentBase",
    "WidgetIcon",
    "WidgetRoot",
    "WidgetStatus",
    "WidgetStatusWithFavicon",
    "WidgetStatusWithIcon",
    "WidgetTemplate",
    "XAxisConfig",
    "parse_widget_root",
]
