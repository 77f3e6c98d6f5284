"""The widget gallery in Chromium: every component renders (light and dark, with its
geometry checked), and actions go where they should: server, client, sync, forms."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from examples.widget_gallery.app import create_gallery_app
from examples.widget_gallery.server import GalleryServer
from examples.widget_gallery.widgets import FORECAST
from playwright.sync_api import expect

from chatloom.store.memory import MemoryStore
from chatloom.types import HiddenContextItem, WidgetItem
from tests.e2e.helpers import RECORDER, stored_items
from tests.live_server import serve
from tests.polling import eventually

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RECT = "el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; }"


class Gallery:
    def __init__(self, url: str, server: GalleryServer) -> None:
        self.url = url
        self.server = server

    def received(self, kind: str) -> list[dict[str, Any]]:
        return [a for a in self.server.received if a["type"] == kind]


@pytest.fixture
def gallery() -> Iterator[Gallery]:
    server = GalleryServer(MemoryStore(), action_delay=0.8, word_delay=0.03)
    with serve(create_gallery_app(server)) as url:
        yield Gallery(url, server)


def _page(browser: Any, height: int) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1000, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"uncaught page errors: {errors}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _page(browser, 900)


@pytest.fixture
def tall_page(browser: Any) -> Iterator[Any]:
    """Tall enough that the whole gallery shows without scrolling (for screenshots)."""
    yield from _page(browser, 7200)


def open_gallery(page: Any, gallery: Gallery, command: str, theme: str = "light") -> Any:
    page.add_init_script(RECORDER)
    page.goto(f"{gallery.url}/?theme={theme}")
    page.wait_for_function("window.__events.some(e => e.type === 'chatkit.ready')")
    chat = page.locator("openai-chatkit")
    send(chat, command)
    return chat


def show_gallery(page: Any, gallery: Gallery, theme: str = "light") -> Any:
    chat = open_gallery(page, gallery, "gallery", theme)
    expect(chat.locator(".ckw-root")).to_have_count(9)
    expect(chat.locator(".ckw-chart svg")).to_have_count(3)
    expect(chat.locator("[data-action=send]")).to_be_visible()  # the turn is over
    return chat


def widget(chat: Any, text: str) -> Any:
    return chat.locator(".ck-widget", has_text=text)


def rect(locator: Any) -> dict[str, float]:
    return dict(locator.evaluate(RECT))


def css(locator: Any, prop: str) -> str:
    return str(locator.evaluate(f"el => getComputedStyle(el).{prop}"))


def luminance(color: str) -> int:
    return sum(int(x) for x in re.findall(r"\d+", color)[:3])


def send(chat: Any, text: str) -> None:
    """Sends a message from the composer (widgets have text areas of their own)."""
    box = chat.locator(".ck-textarea")
    box.fill(text)
    box.press("Enter")


# --- rendering -----------------------------------------------------------------------------

COMPONENTS = {
    "Card": ".ckw-card",
    "ListView": ".ckw-listview",
    "ListViewItem": ".ckw-list-item",
    "Basic": ".ckw-basic",
    "Box/Row/Col": ".ckw-box.ckw-row",
    "Col": ".ckw-box.ckw-col",
    "Form": "form.ckw-box",
    "Spacer": ".ckw-spacer",
    "Divider": "hr.ckw-divider",
    "Transition": ".ckw-transition",
    "Title": "h3.ckw-title",
    "Caption": ".ckw-caption",
    "Text": "p.ckw-text",
    "Text editable": "textarea.ckw-editable",
    "Markdown": ".ckw-markdown ul",
    "Label": "label.ckw-label",
    "Badge": ".ckw-badge",
    "Icon": ".ckw-icon svg",
    "Image": "img.ckw-image",
    "Table": "table.ckw-table th",
    "Chart": ".ckw-chart svg",
    "Button": "button.ckw-button",
    "Input": "input.ckw-input",
    "Textarea": "textarea.ckw-input",
    "Select": "[role=combobox]",
    "DatePicker": "input[type=date]",
    "Checkbox": "input[type=checkbox]",
    "RadioGroup": "[role=radiogroup] input[type=radio]",
}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gallery_renders_every_component(tall_page: Any, gallery: Gallery, theme: str) -> None:
    page = tall_page
    chat = show_gallery(page, gallery, theme)
    for name, selector in COMPONENTS.items():
        assert chat.locator(selector).count() > 0, f"{name} ({selector}) is missing"
    assert chat.locator(".ckw-unknown").count() == 0

    # Row: children side by side with the gap asked for (3 units = 12px), 64px boxes.
    layout = widget(chat, "Layout and text")
    swatches = [
        layout.get_by_text(label, exact=True).locator("..")
        for label in ("Token", "Theme", "CSS", "Surface")
    ]
    boxes = [rect(s) for s in swatches]
    assert all(abs(b["y"] - boxes[0]["y"]) < 0.5 for b in boxes)
    for left, right in itertools.pairwise(boxes):
        assert right["x"] - (left["x"] + left["w"]) == pytest.approx(12, abs=0.5)
    assert (boxes[0]["w"], boxes[0]["h"]) == (64, 64)
    assert css(swatches[2], "backgroundImage").startswith("linear-gradient")

    # Col: children stacked, same left edge, 4px apart.
    column = layout.locator(".ckw-col", has_text="Col: stacked").last
    assert css(column, "rowGap") == "4px"
    lines = [
        rect(layout.get_by_text(t, exact=True))
        for t in ("Normal weight", "Struck through", "Danger")
    ]
    assert lines[0]["y"] < lines[1]["y"] < lines[2]["y"]
    assert len({round(line["x"]) for line in lines}) == 1

    # Box: padding in px (4 units), dashed border, large radius.
    padded = layout.locator(".ckw-box", has_text="Padded box").last
    assert css(padded, "paddingTop") == "16px"
    assert css(padded, "borderTopStyle") == "dashed"
    assert css(padded, "borderTopLeftRadius") == "12px"
    assert css(layout.get_by_text("Struck through"), "textDecorationLine") == "line-through"

    # Table: numbers aligned at the end of their column; the total spans two columns.
    table = widget(chat, "Table")
    ends = table.locator("tbody td[style*='text-align: end'] p").evaluate_all(
        "els => els.map(el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect().right; })"
    )
    qty = [ends[i] for i in (0, 2, 4)]  # 1, 2, 3 (the Qty column)
    assert max(qty) - min(qty) < 1
    assert table.locator("td[colspan='2']").count() == 1
    assert table.locator("td[rowspan='2']").count() == 1

    # Charts: stacked bars sit on each other, have real sizes; lines and areas are drawn.
    first = widget(chat, "Charts").locator(".ckw-chart").first
    bars = first.locator("rect.ckw-chart-bar").evaluate_all(
        "els => els.map(e => ({x: +e.getAttribute('x'), y: +e.getAttribute('y'), w: +e.getAttribute('width'), h: +e.getAttribute('height')}))"
    )
    assert len(bars) == 12
    assert all(b["w"] > 20 and b["h"] > 5 for b in bars)
    online, store = bars[:6], bars[6:]
    for lower, upper in zip(online, store, strict=True):
        assert upper["x"] == lower["x"]
        assert upper["y"] + upper["h"] == pytest.approx(lower["y"], abs=0.5)
    assert len(first.locator("path.ckw-chart-line").get_attribute("d") or "") > 30
    assert first.locator("text.ckw-chart-label").all_text_contents()[:1] == ["0"]
    assert widget(chat, "Charts").locator("path.ckw-chart-area").count() == 2

    # Themes: the chat's cards follow it; the dark card is dark either way.
    card = css(layout.locator(".ckw-card"), "backgroundColor")
    assert (luminance(card) < 200) == (theme == "dark")
    night = widget(chat, "theme: dark").locator(".ckw-card")
    assert luminance(css(night, "backgroundColor")) < 200
    assert luminance(css(night.get_by_text("This card is always dark"), "color")) > 500

    # A ListView shows 3 rows until asked for more.
    plans = widget(chat, "Choose a plan")
    expect(plans.locator(".ckw-list-item")).to_have_count(3)
    plans.get_by_role("button", name="Show more").click()
    expect(plans.locator(".ckw-list-item")).to_have_count(5)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-gallery-{theme}.png"), full_page=True)


# --- actions -------------------------------------------------------------------------------


def test_row_click_fires_server_action_and_locks_the_list_in_place(
    page: Any, gallery: Gallery
) -> None:
    chat = show_gallery(page, gallery)
    plans = widget(chat, "Choose a plan")
    item_id = plans.get_attribute("data-item-id")
    plans.get_by_role("button", name=re.compile("^Pro")).click()
    locked = chat.locator(f".ck-widget[data-item-id='{item_id}']")
    expect(locked).to_contain_text("Plan: Pro")
    expect(locked.locator(".ckw-badge", has_text="Selected")).to_be_visible()
    expect(locked.locator(".ckw-clickable")).to_have_count(0)  # no more actions
    assert gallery.received("plan.select") == [
        {"type": "plan.select", "payload": {"plan": "pro"}, "sender": item_id}
    ]
    items = stored_items(page, gallery.server.store)
    kept = next(i for i in items if i.id == item_id)
    assert isinstance(kept, WidgetItem) and "Selected" in kept.widget.model_dump_json()
    notes = [i for i in items if isinstance(i, HiddenContextItem)]
    assert [n.content for n in notes] == ["<USER_ACTION>The user chose the Pro plan.</USER_ACTION>"]
    assert chat.locator(".ck-widget").count() == 9  # nothing new shown


def test_loading_behaviours(page: Any, gallery: Gallery) -> None:
    chat = show_gallery(page, gallery)
    actions = widget(chat, "Actions and loading states")
    root = actions.locator(".ckw-root")
    status = actions.get_by_text(re.compile("Nothing has run yet|action finished"))

    button = actions.get_by_role("button", name="Wait (self)")
    button.click()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(button.locator(".ck-spinner")).to_be_visible()
    assert root.get_attribute("inert") is None
    expect(status).to_have_text("The self action finished.")
    expect(button.locator(".ck-spinner")).to_have_count(0)

    actions.get_by_role("button", name="Wait (container)").click()
    expect(root).to_have_class(re.compile("ckw-loading"))
    expect(root).to_have_attribute("inert", "")
    page.wait_for_function(
        "el => parseFloat(getComputedStyle(el).opacity) < 0.7", arg=root.element_handle()
    )
    assert actions.locator(".ck-spinner").count() == 0
    expect(status).to_have_text("The container action finished.")
    expect(root).not_to_have_class(re.compile("ckw-loading"))
    assert root.get_attribute("inert") is None

    actions.get_by_role("button", name="Wait (none)").click()
    eventually(
        lambda: gallery.received("gallery.wait")[2:], what="the none action reached the server"
    )
    # A loading state is set on click, before the request goes: by now it would show.
    assert actions.locator("[aria-busy=true], .ck-spinner, .ckw-loading").count() == 0
    expect(status).to_have_text("The none action finished.")
    assert [a["payload"]["behavior"] for a in gallery.received("gallery.wait")] == [
        "self",
        "container",
        "none",
    ]


def test_client_action_goes_to_on_action_not_the_server(page: Any, gallery: Gallery) -> None:
    chat = show_gallery(page, gallery)
    item_id = widget(chat, "Actions and loading states").get_attribute("data-item-id")
    before = luminance(css(chat.locator(".ck-root"), "backgroundColor"))
    chat.get_by_role("button", name="Toggle theme").click()
    page.wait_for_function("window.__clientActions.length === 1")
    call = page.evaluate("window.__clientActions[0]")
    assert call == {"action": {"type": "gallery.toggle_theme"}, "itemId": item_id}
    page.wait_for_function("document.body.classList.contains('dark')")
    assert luminance(css(chat.locator(".ck-root"), "backgroundColor")) < before
    # A server action sent after it is the first (and only) one the server sees.
    chat.get_by_role("button", name="+1").click()
    eventually(lambda: gallery.server.received, what="the +1 action reached the server")
    assert [a["type"] for a in gallery.server.received] == ["gallery.count"]


def test_sync_action_works_while_a_reply_streams(page: Any, gallery: Gallery) -> None:
    chat = show_gallery(page, gallery)
    actions = widget(chat, "Actions and loading states")
    send(chat, "slow")
    stop = chat.locator("[data-action=stop]")
    expect(stop).to_be_visible()
    expect(actions.get_by_role("button", name="Wait (self)")).to_be_disabled()  # streamed: blocked
    plus = actions.get_by_role("button", name="+1")
    expect(plus).to_be_enabled()
    plus.click()
    expect(actions.locator(".ckw-badge")).to_have_text("1")
    plus.click()
    expect(actions.locator(".ckw-badge")).to_have_text("2")
    expect(stop).to_be_visible()  # still streaming
    sender = actions.get_attribute("data-item-id")
    assert (
        gallery.received("gallery.count")
        == [{"type": "gallery.count", "payload": {"step": 1}, "sender": sender}] * 2
    )
    item = next(i for i in stored_items(page, gallery.server.store) if i.id == sender)
    assert isinstance(item, WidgetItem) and '"label":"2"' in item.widget.model_dump_json()


def test_select_change_action_with_search(page: Any, gallery: Gallery) -> None:
    chat = show_gallery(page, gallery)
    controls = widget(chat, "Form controls")
    controls.get_by_role("combobox", name=re.compile("Country")).click()
    search = controls.get_by_role("combobox", name="Search")
    expect(search).to_be_focused()  # 24 countries: searchable
    search.fill("fra")
    expect(controls.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(controls.get_by_text("Shipping to France")).to_be_visible()
    expect(controls.get_by_role("combobox", name=re.compile("Country"))).to_contain_text("France")
    [change] = gallery.received("profile.country")
    assert change["payload"]["profile"]["country"] == "france"
    assert change["payload"]["profile"]["display_name"] == "Ada"  # the form's other values too


def test_streamed_widget_text_grows_in_place(page: Any, gallery: Gallery) -> None:
    chat = open_gallery(page, gallery, "stream")
    text = chat.locator(".ckw-text", has_text="Tomorrow")
    expect(text).to_have_class(re.compile("ckw-streaming"))
    expect(text).to_have_text(FORECAST, timeout=10000)
    expect(text).not_to_have_class(re.compile("ckw-streaming"))
    expect(chat.locator(".ckw-markdown blockquote")).to_have_text(FORECAST)
    assert chat.locator(".ck-widget").count() == 1


# --- forms ---------------------------------------------------------------------------------


def test_invalid_form_does_not_submit_and_says_why(page: Any, gallery: Gallery) -> None:
    chat = open_gallery(page, gallery, "book")
    card = widget(chat, "Book a table")
    card.get_by_label("Phone (optional)").fill("call me")
    card.get_by_role("button", name="Book").click()
    name = card.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    message = name.evaluate("el => el.validationMessage")
    assert message
    expect(card.locator(".ckw-field-error").first).to_have_text(message)
    expect(card.get_by_label("Phone (optional)")).to_have_attribute("aria-invalid", "true")
    name.fill("Ada")
    expect(name).not_to_have_attribute("aria-invalid", "true")  # the message goes as it is fixed
    # Once it is valid it goes, and it is the only submission the server ever saw.
    card.get_by_label("Email").fill("ada@example.com")
    card.get_by_label("Phone (optional)").fill("")
    card.get_by_role("button", name="Book").click()
    expect(chat.locator(".ck-widget", has_text="Table booked")).to_be_visible()
    assert [a["type"] for a in gallery.server.received] == ["reservation.submit"]


def test_valid_form_submits_its_values_and_is_replaced(page: Any, gallery: Gallery) -> None:
    chat = open_gallery(page, gallery, "book")
    card = widget(chat, "Book a table")
    item_id = card.get_attribute("data-item-id")
    offered = next(i for i in stored_items(page, gallery.server.store) if i.id == item_id)
    assert isinstance(offered, WidgetItem)
    reservation_id = offered.widget.model_dump()["confirm"]["action"]["payload"]["reservation_id"]
    when = (date.today() + timedelta(days=7)).isoformat()

    card.get_by_label("Name").fill("Ada Lovelace")
    card.get_by_label("Email").fill("ada@example.com")
    card.get_by_label("Phone (optional)").fill("+44 20 7946 0000")
    card.get_by_role("combobox", name=re.compile("Party size")).click()
    card.get_by_role("option", name="4 guests").click()
    card.get_by_label("Date").fill(when)
    card.get_by_label("Terrace").check()
    card.get_by_label("Bring a high chair").check()
    card.get_by_label("Notes").fill("Window, please")
    card.get_by_role("button", name="Book").click()

    booked = chat.locator(f".ck-widget[data-item-id='{item_id}']")
    expect(booked).to_contain_text("Table booked at The Harbour Kitchen")
    expect(booked.locator("input, textarea, button.ckw-button")).to_have_count(0)
    expect(chat.locator(".ck-assistant")).to_contain_text("Booked: a table for 4")
    [submit] = gallery.received("reservation.submit")
    assert submit == {
        "type": "reservation.submit",
        "sender": item_id,
        "payload": {
            "reservation_id": reservation_id,
            "guest": {
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "phone": "+44 20 7946 0000",
            },
            "party": {"size": "4", "highchair": True},
            "date": when,
            "seating": "terrace",
            "notes": "Window, please",
        },
    }
    items = stored_items(page, gallery.server.store)
    replaced = next(i for i in items if i.id == item_id)
    assert isinstance(replaced, WidgetItem) and "Table booked" in replaced.widget.model_dump_json()
    [note] = [i for i in items if isinstance(i, HiddenContextItem)]
    assert (
        note.content.startswith("<USER_ACTION>The user booked a table:")
        and "Ada Lovelace" in note.content
    )
    expect(chat.get_by_text("USER_ACTION")).to_have_count(0)  # never shown


def test_textarea_pattern_blocks_a_form_and_a_fixed_form_replaces_its_card(
    page: Any, gallery: Gallery
) -> None:
    chat = show_gallery(page, gallery)
    controls = chat.locator(
        f".ck-widget[data-item-id='{widget(chat, 'Form controls').get_attribute('data-item-id')}']"
    )
    bio = controls.get_by_label("Bio (lowercase letters and spaces)")
    bio.fill("NOT lowercase")
    controls.get_by_role("button", name="Save profile").click()
    expect(bio).to_have_attribute("aria-invalid", "true")
    expect(controls.locator(".ckw-field-error")).to_have_text("Please match the requested format.")
    bio.fill("just lowercase")
    controls.get_by_role("button", name="Save profile").click()
    expect(controls).to_contain_text("Profile saved")
    [saved] = gallery.received("profile.save")  # one: the blocked submission never went
    assert saved["payload"] == {
        "profile": {
            "display_name": "Ada",
            "country": "",
            "birthday": "",
            "contact": "email",
            "newsletter": True,
            "bio": "just lowercase",
        }
    }


def test_entity_previews_render_basic_roots(page: Any, gallery: Gallery) -> None:
    page.add_init_script(RECORDER)
    page.goto(gallery.url + "/")
    page.wait_for_function("window.__events.some(e => e.type === 'chatkit.ready')")
    chat = page.locator("openai-chatkit")
    chat.locator(".ck-textarea").click()
    page.keyboard.type("Lunch at @harb")
    expect(chat.get_by_role("option")).to_have_count(1)
    # The highlighted result in the mention menu.
    preview = chat.locator(".ck-entity-preview .ckw-basic")
    expect(preview).to_contain_text("The Harbour Kitchen")
    expect(preview.locator("img.ckw-image")).to_be_visible()
    expect(preview.locator(".ckw-badge")).to_have_text("Seafood")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    reply = chat.locator(".ck-assistant", has_text="You mentioned The Harbour Kitchen.")
    expect(reply).to_be_visible()
    expect(preview).to_have_count(0)
    # A tag in the sent message, hovered.
    tag = chat.locator(".ck-user .ck-tag", has_text="@The Harbour Kitchen")
    tag.hover()
    expect(chat.locator(".ck-user .ck-preview-pop .ckw-basic")).to_contain_text("Seafood")
    chat.locator(".ck-header").hover()
    expect(preview).to_have_count(0)
    # The reply's entity citation, focused from the keyboard, then hovered.
    cite = reply.locator(".ck-cite")
    cite.focus()
    pop = reply.locator(".ck-preview-pop")
    expect(pop.locator(".ckw-basic")).to_contain_text("The Harbour Kitchen")
    cite_box, pop_box = rect(cite), rect(pop)
    assert pop_box["y"] >= cite_box["y"] + cite_box["h"]  # under its marker
    cite.blur()
    expect(pop).to_have_count(0)
    cite.hover()
    expect(pop).to_be_visible()
