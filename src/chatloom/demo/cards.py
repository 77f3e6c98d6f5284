"""The demo's widgets: the ticket form (and its locked states) and the browser check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..actions import ActionConfig
from ..widgets import (
    Badge,
    Button,
    Caption,
    Card,
    Col,
    Divider,
    Form,
    Input,
    Label,
    Row,
    Select,
    Text,
    Textarea,
    Title,
)
from .tickets import TicketRequest

SUBMIT_TICKET = "ticket.submit"
CANCEL_TICKET = "ticket.cancel"

PRIORITIES = [
    {"value": "low", "label": "Low — a question"},
    {"value": "normal", "label": "Normal — something is wrong"},
    {"value": "high", "label": "High — I cannot work"},
]


def ticket_form(subject: str = "", details: str = "", error: str | None = None) -> Card:
    """An editable ticket form; submitting sends ``ticket.submit`` with its values."""
    fields: list[Any] = [
        Label(value="Subject", fieldName="subject"),
        Input(name="subject", placeholder="A short summary", required=True, defaultValue=subject),
        Label(value="What happened?", fieldName="details"),
        Textarea(
            name="details", placeholder="Steps, messages, devices…", defaultValue=details, rows=4
        ),
        Label(value="Priority", fieldName="priority"),
        Select(name="priority", options=PRIORITIES, defaultValue="normal"),
    ]
    if error:
        fields.append(Text(value=error, color="danger", size="sm"))
    fields.append(
        Row(
            gap=2,
            justify="end",
            children=[
                Button(
                    label="Cancel",
                    variant="outline",
                    onClickAction=ActionConfig(type=CANCEL_TICKET, loadingBehavior="container"),
                ),
                Button(label="Open ticket", submit=True, style="primary"),
            ],
        )
    )
    return Card(
        size="md",
        children=[
            Title(value="Open a support ticket", size="sm"),
            Caption(value="Our team answers by email within one business day."),
            Form(
                direction="col",
                gap=2,
                onSubmitAction=ActionConfig(type=SUBMIT_TICKET, loadingBehavior="container"),
                children=fields,
            ),
        ],
    )


def ticket_opened(number: int, ticket: TicketRequest) -> Card:
    """The form after it was sent: read-only, no actions left."""
    return Card(
        size="md",
        status={"text": f"Ticket #{number} opened", "icon": "check-circle"},
        children=[
            Row(
                justify="between",
                children=[
                    Title(value=ticket.subject, size="sm"),
                    Badge(
                        label=ticket.priority,
                        color="info" if ticket.priority != "high" else "danger",
                    ),
                ],
            ),
            Text(value=ticket.details or "No details given.", color="secondary", size="sm"),
        ],
    )


def ticket_cancelled() -> Card:
    return Card(
        size="md",
        status={"text": "Ticket not sent", "icon": "empty-circle"},
        children=[Text(value="You closed the form without opening a ticket.", color="secondary")],
    )


SUPPORTED_BROWSERS = ("Chrome/", "Firefox/", "Safari/", "Edg/")


def browser_problems(info: Mapping[str, Any]) -> list[str]:
    """What in the page's report goes against the supported-browsers article."""
    problems = []
    agent = str(info.get("userAgent") or "")
    if agent and not any(name in agent for name in SUPPORTED_BROWSERS):
        problems.append("This browser is not one we support (Chrome, Edge, Firefox, Safari).")
    if info.get("cookiesEnabled") is False:
        problems.append("Cookies are off; the web app needs them.")
    if info.get("online") is False:
        problems.append("The browser is offline; changes will sync when it is back online.")
    return problems


def browser_report(info: Mapping[str, Any]) -> Card:
    """What the page reported about the browser (the client tool's output), checked."""
    problems = browser_problems(info)
    verdict: list[Any] = [
        Text(value=problem, color="warning", size="sm") for problem in problems
    ] or [Text(value="Everything the web app needs is in place.", color="success", size="sm")]
    rows: list[Any] = []
    for label, key in (
        ("Browser", "userAgent"),
        ("Language", "language"),
        ("Time zone", "timeZone"),
        ("Screen", "screen"),
        ("Cookies", "cookiesEnabled"),
        ("Online", "online"),
    ):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        rows.append(
            Row(
                gap=3,
                children=[
                    Caption(value=label, size="sm"),
                    Text(value=str(value)[:160], size="sm", truncate=True),
                ],
            )
        )
    return Card(
        size="md",
        children=[
            Title(value="Your browser", size="sm"),
            Divider(),
            Col(gap=1, children=rows),
            Divider(),
            *verdict,
        ],
    )


__all__ = [
    "CANCEL_TICKET",
    "SUBMIT_TICKET",
    "browser_problems",
    "browser_report",
    "ticket_cancelled",
    "ticket_form",
    "ticket_opened",
]
