"""The gallery's widgets: every component, built with chatloom's typed widget models,
and the reservation card built from a ``.widget`` template."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any, Literal, get_args

from chatloom.actions import LoadingBehavior
from chatloom.icons import BuiltinIconName
from chatloom.widgets import (
    AreaSeries,
    Badge,
    BarSeries,
    BasicRoot,
    Box,
    Button,
    Caption,
    Card,
    Chart,
    Checkbox,
    Col,
    ControlSize,
    ControlVariant,
    DatePicker,
    Divider,
    DynamicWidgetRoot,
    Form,
    Icon,
    Image,
    Input,
    Label,
    LineSeries,
    ListView,
    ListViewItem,
    Markdown,
    RadioGroup,
    Row,
    Select,
    SelectOption,
    Spacer,
    Table,
    TableCell,
    TableRow,
    Text,
    Textarea,
    Title,
    Transition,
    WidgetComponent,
    WidgetTemplate,
)

from .actions import (
    CancelReservation,
    Count,
    Counter,
    PickCountry,
    PlanChoice,
    ReservationForm,
    ReservationRef,
    SaveProfile,
    SelectPlan,
    SlowAction,
    SubmitReservation,
    ToggleTheme,
    Wait,
)

BadgeColor = Literal["secondary", "success", "danger", "warning", "info", "discovery"]
ButtonColor = Literal[
    "primary", "secondary", "info", "discovery", "success", "caution", "warning", "danger"
]
BADGE_COLORS: tuple[BadgeColor, ...] = get_args(BadgeColor)
BUTTON_COLORS: tuple[ButtonColor, ...] = get_args(ButtonColor)
VARIANTS: tuple[ControlVariant, ...] = get_args(ControlVariant)
SIZES: tuple[ControlSize, ...] = get_args(ControlSize)
BEHAVIORS: tuple[LoadingBehavior, ...] = ("self", "container", "none")

IMAGE = "/gallery/harbour.svg"
RESERVATION = WidgetTemplate.from_file("templates/reservation.widget")
RESERVATION_RESULT = WidgetTemplate.from_file("templates/reservation_result.widget")

PLANS: dict[str, tuple[str, str, BadgeColor, BuiltinIconName]] = {
    "free": ("Free", "For trying things out", "secondary", "sparkle"),
    "starter": ("Starter", "Up to 3 projects", "info", "bolt"),
    "pro": ("Pro", "Unlimited projects, priority support", "discovery", "star"),
    "team": ("Team", "Shared workspaces and roles", "success", "user"),
    "enterprise": ("Enterprise", "SSO, audit logs, custom terms", "warning", "keys"),
}
COUNTRIES = [
    "Argentina", "Australia", "Austria", "Belgium", "Brazil", "Canada", "Chile", "Denmark",
    "Egypt", "Finland", "France", "Germany", "India", "Ireland", "Italy", "Japan", "Kenya",
    "Mexico", "Netherlands", "Norway", "Portugal", "Spain", "Sweden", "Switzerland",
]  # fmt: skip


def _cell(value: str, **props: Any) -> TableCell:
    return TableCell(children=[Text(value=value, size="sm")], **props)


# --- the showcase ----------------------------------------------------------------------


def layout_card() -> Card:
    """Boxes, rows and columns, spacing, borders, colours, text styles, images, icons."""
    swatches: list[WidgetComponent] = [
        Box(
            size=64,
            radius="md",
            align="center",
            justify="center",
            background=background,
            children=[Text(value=label, weight="semibold", size="sm", color=color)],
        )
        for label, background, color in [
            ("Token", "blue-500", "white"),
            ("Theme", {"light": "orange-200", "dark": "orange-800"}, "prose"),
            ("CSS", "linear-gradient(135deg, #6366f1, #ec4899)", "white"),
            ("Surface", "surface-tertiary", "secondary"),
        ]
    ]
    icons: list[WidgetComponent] = [
        Icon(name=name, size="lg") for name in get_args(BuiltinIconName)
    ]
    return Card(
        size="lg",
        status={"text": "Layout and text", "icon": "square-text"},
        children=[
            Image(src=IMAGE, alt="A harbour at dusk", height=96, fit="cover", flush=True),
            Title(value="Layout and text", size="xl"),
            Caption(value="Row, Col, Box, spacing units (4px), borders, radii and colour tokens."),
            Row(gap=3, children=swatches),
            Row(
                gap=4,
                align="start",
                children=[
                    Col(
                        gap=1,
                        flex=1,
                        children=[
                            Text(value="Col: stacked", weight="semibold"),
                            Text(value="Normal weight"),
                            Text(value="Medium, secondary", weight="medium", color="secondary"),
                            Text(value="Italic, tertiary", italic=True, color="tertiary"),
                            Text(value="Struck through", lineThrough=True),
                            Text(value="Success", color="success", size="sm"),
                            Text(value="Warning", color="warning", size="sm"),
                            Text(value="Danger", color="danger", size="sm"),
                        ],
                    ),
                    Box(
                        flex=1,
                        padding=4,
                        gap=2,
                        radius="lg",
                        background="surface-secondary",
                        border={"size": 1, "style": "dashed", "color": "strong"},
                        children=[
                            Text(value="Padded box", weight="semibold"),
                            Text(
                                value="A long line that is truncated to two lines: "
                                "the rest of it is hidden behind an ellipsis so the box "
                                "keeps its height whatever the text says.",
                                maxLines=2,
                                size="sm",
                            ),
                            Text(
                                value="One line only, truncated at the edge of the box.",
                                truncate=True,
                                size="xs",
                            ),
                        ],
                    ),
                ],
            ),
            Row(
                children=[
                    Title(value="Titles", size="sm"),
                    Spacer(),
                    Title(value="md", size="md", color="secondary"),
                    Title(value="2xl", size="2xl", weight="bold"),
                ]
            ),
            Text(value="Centred text", textAlign="center", size="lg"),
            Caption(value="Captions come in sm, md and lg.", size="lg"),
            Markdown(
                value="**Markdown** with a [link](https://example.com), `code` and a list:\n\n"
                "- first\n- second"
            ),
            Divider(spacing=2),
            Divider(color="danger", size=2),
            Row(
                wrap="wrap",
                gap=2,
                children=[
                    Image(src=IMAGE, alt="Framed", size=64, fit="cover", frame=True, radius="lg"),
                    Image(src=IMAGE, alt="Round", size=64, fit="cover", radius="full"),
                    Image(
                        src=IMAGE,
                        alt="Contained",
                        width=96,
                        height=64,
                        fit="contain",
                        background="surface-secondary",
                    ),
                ],
            ),
            Caption(value="Every built-in icon:"),
            Row(wrap="wrap", gap=2, children=icons),
        ],
    )


def badges_and_buttons_card() -> Card:
    """Badge and Button in every colour, variant and size."""
    badge_variants: tuple[Literal["soft", "solid", "outline"], ...] = ("soft", "solid", "outline")
    badges: list[WidgetComponent] = [
        Row(
            wrap="wrap",
            gap=2,
            children=[
                Badge(label=f"{color} {variant}", color=color, variant=variant)
                for color in BADGE_COLORS
            ],
        )
        for variant in badge_variants
    ]
    variants: list[WidgetComponent] = [
        Row(
            wrap="wrap",
            gap=2,
            children=[
                Button(label=color, color=color, variant=variant, size="sm")
                for color in BUTTON_COLORS
            ],
        )
        for variant in VARIANTS
    ]
    return Card(
        size="lg",
        children=[
            Title(value="Badges and buttons"),
            *badges,
            Row(
                gap=2,
                children=[
                    Badge(label="sm pill", size="sm", pill=True, color="info"),
                    Badge(label="md pill", size="md", pill=True, color="info"),
                    Badge(label="lg pill", size="lg", pill=True, color="info"),
                ],
            ),
            Divider(),
            *variants,
            Row(
                wrap="wrap",
                gap=2,
                align="end",
                children=[Button(label=size, size=size) for size in SIZES],
            ),
            Row(
                wrap="wrap",
                gap=2,
                children=[
                    Button(label="Pill", pill=True, iconStart="sparkle"),
                    Button(iconStart="plus", uniform=True, variant="outline", color="secondary"),
                    Button(label="Next", iconEnd="chevron-right", iconSize="lg", variant="soft"),
                    Button(label="Disabled", disabled=True),
                    Button(label="Secondary style", style="secondary"),
                ],
            ),
            Button(label="Block button", block=True, variant="outline", color="secondary"),
        ],
    )


def actions_card(count: int = 0) -> Card:
    """Buttons that do something: loading behaviours, a client action, a sync counter."""
    return Card(
        size="lg",
        status={"text": "Actions", "icon": "bolt"},
        children=[
            Title(value="Actions and loading states"),
            Caption(
                value="Each of these waits a moment on the server, then updates the line below."
            ),
            Row(
                gap=2,
                children=[
                    Button(
                        label=f"Wait ({behavior})",
                        variant="outline",
                        color="secondary",
                        onClickAction=SlowAction.create(
                            Wait(behavior=behavior), loading_behavior=behavior
                        ),
                    )
                    for behavior in BEHAVIORS
                ],
            ),
            Text(id="wait-status", value="Nothing has run yet.", color="secondary", size="sm"),
            Divider(),
            Row(
                children=[
                    Col(
                        gap=0,
                        children=[
                            Text(value="Counter (sync action)", weight="medium"),
                            Caption(value="Works while a reply streams: it never waits for one."),
                        ],
                    ),
                    Spacer(),
                    Transition(
                        children=Badge(
                            key=f"count-{count}",
                            id="count-value",
                            label=str(count),
                            size="lg",
                            pill=True,
                        )
                    ),
                    Button(
                        label="+1",
                        uniform=True,
                        variant="soft",
                        onClickAction=Count.create(Counter(step=1), streaming=False),
                    ),
                ]
            ),
            Divider(),
            Row(
                children=[
                    Text(
                        value="Client action: handled by the page, never sent to the server.",
                        size="sm",
                    ),
                    Spacer(),
                    Button(
                        label="Toggle theme",
                        iconStart="sparkle-double",
                        variant="outline",
                        color="secondary",
                        onClickAction=ToggleTheme.create(None, handler="client"),
                    ),
                ]
            ),
        ],
    )


def table_card() -> Card:
    header = TableRow(
        header=True,
        children=[
            TableCell(children=[Text(value="Item")], colSize="lg"),
            TableCell(children=[Text(value="Qty")], align="end"),
            TableCell(children=[Text(value="Price")], align="end"),
        ],
    )
    rows = [
        TableRow(
            children=[
                TableCell(
                    rowSpan=2,
                    vAlign="start",
                    children=[Text(value="Coffee", weight="medium"), Caption(value="two roasts")],
                ),
                _cell("1", align="end"),
                _cell("€4.00", align="end"),
            ]
        ),
        TableRow(children=[_cell("2", align="end"), _cell("€7.50", align="end")]),
        TableRow(
            children=[_cell("Croissant"), _cell("3", align="end"), _cell("€6.30", align="end")]
        ),
        TableRow(
            children=[
                TableCell(
                    colSpan=2, align="end", children=[Text(value="Total", weight="semibold")]
                ),
                TableCell(
                    align="end",
                    padding={"x": 3},
                    children=[Text(value="€17.80", weight="semibold")],
                ),
            ]
        ),
    ]
    return Card(children=[Title(value="Table"), Table(children=[header, *rows])])


def charts_card() -> Card:
    sales: list[dict[str, str | int | float]] = [
        {"month": "jan", "online": 120, "store": 80, "target": 190},
        {"month": "feb", "online": 150, "store": 95, "target": 200},
        {"month": "mar", "online": 170, "store": 60, "target": 210},
        {"month": "apr", "online": 90, "store": 110, "target": 220},
        {"month": "may", "online": 210, "store": 70, "target": 230},
        {"month": "jun", "online": 240, "store": 85, "target": 240},
    ]
    labels = {m["month"]: str(m["month"]).capitalize() for m in sales}
    visits: list[dict[str, str | int | float]] = [
        {"day": d, "new": n, "returning": r}
        for d, n, r in [
            ("Mon", 30, 12),
            ("Tue", 42, 18),
            ("Wed", 38, 25),
            ("Thu", 55, 20),
            ("Fri", 48, 31),
            ("Sat", 20, 9),
            ("Sun", 25, 14),
        ]
    ]
    return Card(
        size="lg",
        children=[
            Title(value="Charts"),
            Caption(value="Stacked bars with a target line, y axis on"),
            Chart(
                height=200,
                data=sales,
                xAxis={"dataKey": "month", "labels": labels},
                showYAxis=True,
                barCategoryGap=16,
                series=[
                    BarSeries(label="Online", dataKey="online", stack="sales", color="blue"),
                    BarSeries(label="In store", dataKey="store", stack="sales", color="purple"),
                    LineSeries(
                        label="Target", dataKey="target", color="orange", curveType="monotone"
                    ),
                ],
            ),
            Caption(value="Grouped bars, no legend"),
            Chart(
                height=140,
                data=sales,
                xAxis="month",
                showLegend=False,
                barGap=2,
                series=[
                    BarSeries(label="Online", dataKey="online", color="green"),
                    BarSeries(label="In store", dataKey="store", color="pink"),
                ],
            ),
            Caption(value="Stacked areas and a step line, hidden x axis"),
            Chart(
                height=160,
                data=visits,
                xAxis={"dataKey": "day", "hide": True},
                series=[
                    AreaSeries(
                        label="New", dataKey="new", stack="v", color="blue", curveType="natural"
                    ),
                    AreaSeries(
                        label="Returning",
                        dataKey="returning",
                        stack="v",
                        color="green",
                        curveType="natural",
                    ),
                    LineSeries(
                        label="Returning (step)",
                        dataKey="returning",
                        color="red",
                        curveType="stepAfter",
                    ),
                ],
            ),
        ],
    )


def plans_list(selected: str | None = None) -> ListView:
    """A ListView of plans; once one is chosen, the list is locked to that choice."""
    items = []
    for key, (name, blurb, color, icon) in PLANS.items():
        chosen = key == selected
        dimmed = selected is not None and not chosen
        items.append(
            ListViewItem(
                gap=3,
                onClickAction=None if selected else SelectPlan.create(PlanChoice(plan=key)),
                children=[
                    Icon(
                        name="check-circle-filled" if chosen else icon,
                        color="success" if chosen else "secondary",
                        size="lg",
                    ),
                    Col(
                        gap=0,
                        flex=1,
                        children=[
                            Text(
                                value=name, weight="semibold", color="tertiary" if dimmed else None
                            ),
                            Caption(value=blurb),
                        ],
                    ),
                    Badge(
                        label="Selected" if chosen else color,
                        color="success" if chosen else color,
                        pill=True,
                    ),
                ],
            )
        )
    title = f"Plan: {PLANS[selected][0]}" if selected else "Choose a plan"
    return ListView(limit=3, status={"text": title, "icon": "star"}, children=items)


def controls_card(country: str | None = None) -> Card:
    """Every form control, in a Form whose submit the server answers."""
    options: list[SelectOption] = [{"value": c.lower(), "label": c} for c in COUNTRIES]
    for option in options:
        if option["label"] in ("France", "Germany"):
            option["description"] = "Ships in 2 days"
    return Card(
        size="lg",
        children=[
            Title(value="Form controls"),
            Form(
                gap=3,
                onSubmitAction=SaveProfile.create(None),
                children=[
                    Row(
                        gap=2,
                        children=[
                            Label(
                                value="Display name",
                                fieldName="profile.display_name",
                                weight="semibold",
                            ),
                            Text(
                                value="Ada",
                                editable={
                                    "name": "profile.display_name",
                                    "required": True,
                                    "placeholder": "Your name",
                                },
                            ),
                        ],
                    ),
                    Row(
                        gap=3,
                        align="start",
                        children=[
                            Col(
                                flex=1,
                                gap=1,
                                children=[
                                    Label(value="Country", fieldName="profile.country"),
                                    Select(
                                        name="profile.country",
                                        options=options,
                                        placeholder="Pick a country",
                                        clearable=True,
                                        block=True,
                                        defaultValue=country,
                                        onChangeAction=PickCountry.create(None),
                                    ),
                                    Caption(
                                        id="country-note",
                                        value=f"Shipping to {country.title()}"
                                        if country
                                        else "No country yet",
                                    ),
                                ],
                            ),
                            Col(
                                flex=1,
                                gap=1,
                                children=[
                                    Label(value="Birthday", fieldName="profile.birthday"),
                                    DatePicker(
                                        name="profile.birthday",
                                        clearable=True,
                                        block=True,
                                        min=datetime(1900, 1, 1),
                                        max=datetime(2030, 12, 31),
                                    ),
                                ],
                            ),
                        ],
                    ),
                    Label(value="Preferred contact", fieldName="profile.contact"),
                    RadioGroup(
                        name="profile.contact",
                        defaultValue="email",
                        options=[
                            {"label": "Email", "value": "email"},
                            {"label": "Phone", "value": "phone"},
                            {"label": "Pigeon", "value": "pigeon", "disabled": True},
                        ],
                    ),
                    Checkbox(
                        name="profile.newsletter",
                        label="Send me the newsletter",
                        defaultChecked=True,
                    ),
                    Label(value="Bio (lowercase letters and spaces)", fieldName="profile.bio"),
                    Textarea(
                        name="profile.bio",
                        rows=2,
                        autoResize=True,
                        maxRows=4,
                        pattern="[a-z ]*",
                        placeholder="a few words",
                    ),
                    Row(
                        justify="end",
                        children=[Button(label="Save profile", submit=True, iconStart="check")],
                    ),
                ],
            ),
            Divider(flush=True),
            Caption(value="Input variants and sizes (outside the form: never sent)"),
            Row(
                gap=2,
                children=[
                    Input(name="demo.outline", placeholder="outline"),
                    Input(name="demo.soft", placeholder="soft", variant="soft"),
                    Input(name="demo.pill", placeholder="pill", pill=True, gutterSize="lg"),
                ],
            ),
            Row(
                gap=2,
                children=[
                    Input(name="demo.small", placeholder="small", size="sm"),
                    Input(name="demo.large", placeholder="large", size="lg"),
                    Input(name="demo.disabled", placeholder="disabled", disabled=True),
                ],
            ),
        ],
    )


def profile_saved_card(profile: dict[str, Any]) -> Card:
    rows = [
        TableRow(children=[_cell(key.replace("_", " ")), _cell(str(value))])
        for key, value in profile.items()
    ]
    return Card(
        status={"text": "Saved", "icon": "check-circle"},
        children=[Title(value="Profile saved"), Table(children=rows)],
    )


def night_card() -> Card:
    return Card(
        theme="dark",
        size="sm",
        background="surface-secondary",
        status={"text": "theme: dark", "icon": "star"},
        children=[
            Text(value="This card is always dark, whatever the chat's theme.", size="sm"),
            Row(
                children=[
                    Badge(label="dark", color="discovery", variant="solid"),
                    Spacer(),
                    Button(label="Dark button", size="sm", variant="soft"),
                ]
            ),
        ],
    )


def stats_basic() -> BasicRoot:
    """A Basic root: free layout without a card around it."""
    stats = [("Orders", "128", "success"), ("Returns", "4", "danger"), ("Rating", "4.8", "warning")]
    return BasicRoot(
        direction="row",
        gap=3,
        children=[
            Box(
                padding=3,
                radius="lg",
                border=1,
                background="surface",
                flex=1,
                children=[Caption(value=label), Title(value=value, size="2xl", color=color)],
            )
            for label, value, color in stats
        ],
    )


def entity_preview(name: str, cuisine: str) -> BasicRoot:
    """What the page shows when hovering an @-mentioned restaurant."""
    return BasicRoot(
        gap=2,
        children=[
            Image(src=IMAGE, alt=name, height=72, fit="cover", radius="md"),
            Title(value=name, size="sm"),
            Row(
                children=[Badge(label=cuisine, color="info"), Spacer(), Caption(value="Open today")]
            ),
        ],
    )


# --- reservation (templates) -------------------------------------------------------------


def reservation_form(reservation_id: str, today: date) -> DynamicWidgetRoot:
    return RESERVATION.build(
        {
            "restaurant": "The Harbour Kitchen",
            "image": IMAGE,
            "party_sizes": [1, 2, 3, 4, 5, 6, 8, 10],
            "min_date": today.isoformat(),
            "max_date": (today + timedelta(days=60)).isoformat(),
            "confirm_action": SubmitReservation.create(
                ReservationRef(reservation_id=reservation_id), loading_behavior="container"
            ).model_dump(),
            "cancel_action": CancelReservation.create(
                ReservationRef(reservation_id=reservation_id)
            ).model_dump(),
        }
    )


def reservation_result(form: ReservationForm | None) -> DynamicWidgetRoot:
    """The locked card that replaces the form: booked, or cancelled (``form`` is None)."""
    if form is None:
        return RESERVATION_RESULT.build(
            {
                "restaurant": "The Harbour Kitchen",
                "summary": "The reservation was cancelled.",
                "cancelled": True,
                "details": [],
            }
        )
    details = [
        ("Guest", form.guest.name),
        ("Email", form.guest.email),
        ("Date", form.date.strftime("%A %d %B %Y")),
        ("Party", f"{form.party.size}" + (" + high chair" if form.party.highchair else "")),
        ("Seating", form.seating.capitalize()),
    ]
    if form.notes:
        details.append(("Notes", form.notes))
    summary = f"{form.party.size} guests on {form.date.isoformat()}, {form.seating}"
    return RESERVATION_RESULT.build(
        {
            "restaurant": "The Harbour Kitchen",
            "summary": summary,
            "cancelled": False,
            "details": details,
        }
    )


# --- streaming ---------------------------------------------------------------------------

FORECAST = (
    "Tomorrow starts clear and cold, clouds build by noon, and light rain arrives in the evening."
)


async def forecast_states(
    words: list[str] | None = None, pause: float = 0.05
) -> AsyncIterator[Card]:
    """Successive states of a widget whose Text and Markdown grow word by word."""
    words = words or FORECAST.split(" ")
    text = ""
    for i, word in enumerate(words):
        text = f"{text} {word}" if text else word
        last = i == len(words) - 1
        yield Card(
            status={"text": "Streaming widget", "icon": "sparkle"},
            children=[
                Title(value="Forecast"),
                Text(id="forecast", value=text, streaming=not last),
                Markdown(id="forecast-md", value=f"> {text}", streaming=not last),
            ],
        )
        if not last:
            await asyncio.sleep(pause)
