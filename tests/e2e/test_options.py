"""Theme, locale (incl. right-to-left), errors, client tools, effects and widgets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live
from tests.e2e.helpers import events, open_chat, send, set_options

pytestmark = pytest.mark.e2e


def background(chat: Any) -> str:
    return str(chat.locator(".ck-root").evaluate("el => getComputedStyle(el).backgroundColor"))


def test_theme_switch(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    light = background(chat)
    set_options(page, "{theme: 'dark'}")
    dark = background(chat)
    assert light != dark
    rgb = [int(x) for x in dark[dark.index("(") + 1 : dark.index(")")].split(",")[:3]]
    assert sum(rgb) < 150, dark
    set_options(
        page,
        "{theme: {colorScheme: 'light', radius: 'sharp', color: {accent: {primary: '#ff5f42', level: 2}}}}",
    )
    send_button = chat.locator("[data-action=send]")
    assert send_button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 95, 66)"
    assert send_button.evaluate("el => getComputedStyle(el).borderTopLeftRadius") == "0px"


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Custom themes as the official ThemeOption describes them: surface.background is the
# surface, surface.foreground the text and icons on it.
THEMES = {
    "light": """{colorScheme: 'light', radius: 'round', density: 'spacious',
        typography: {baseSize: 17},
        color: {grayscale: {hue: 45, tint: 4, shade: -1},
                surface: {background: '#fdf6e3', foreground: '#073642'},
                accent: {primary: '#268bd2', level: 2}}}""",
    "dark": """{colorScheme: 'dark', radius: 'pill',
        color: {grayscale: {hue: 220, tint: 6, shade: -1},
                surface: {background: '#0d1117', foreground: '#e6edf3'},
                accent: {primary: 'rgb(241, 245, 249)', level: 1}}}""",
}


def rgb(css_color: str) -> tuple[float, ...]:
    """A computed colour as 0-255 channels: `rgb(...)` or `color(srgb ...)` (color-mix)."""
    numbers = [float(x) for x in re.findall(r"[\d.]+", css_color)]
    if css_color.startswith("color("):
        return tuple(round(x * 255, 1) for x in numbers[:3])
    return tuple(numbers[:3])


def style(locator: Any, prop: str) -> tuple[float, ...]:
    return rgb(str(locator.evaluate(f"el => getComputedStyle(el).{prop}")))


def between(value: tuple[float, ...], a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Strictly between two colours on every channel where they differ."""
    return value not in (a, b) and all(
        min(x, y) - 1 <= v <= max(x, y) + 1 for v, x, y in zip(value, a, b, strict=True)
    )


def test_custom_light_and_dark_themes(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "hello `code` and **bold**")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: hello code and bold")
    ARTIFACTS.mkdir(exist_ok=True)
    expected = {
        "light": {"bg": (253, 246, 227), "fg": (7, 54, 66), "accent": (38, 139, 210), "on": (255, 255, 255)},
        "dark": {"bg": (13, 17, 23), "fg": (230, 237, 243), "accent": (241, 245, 249), "on": (17, 17, 17)},
    }  # fmt: skip
    for scheme, theme in THEMES.items():
        set_options(page, f"{{theme: {theme}}}")
        want = expected[scheme]
        root = chat.locator(".ck-root")
        expect(root).to_have_css("background-color", "rgb({}, {}, {})".format(*want["bg"]))
        # The foreground is the text colour, not a fill.
        assert style(chat.locator(".ck-assistant"), "color") == want["fg"]
        assert style(chat.locator("textarea"), "color") == want["fg"]
        # Raised fills and borders are mixes of the two.
        composer = chat.locator(".ck-composer")
        assert between(style(composer, "backgroundColor"), want["bg"], want["fg"])
        assert between(style(composer, "borderTopColor"), want["bg"], want["fg"])
        assert between(
            style(chat.locator(".ck-user .ck-bubble"), "backgroundColor"), want["bg"], want["fg"]
        )
        send_button = chat.locator("[data-action=send]")
        assert style(send_button, "backgroundColor") == want["accent"]
        assert style(send_button, "color") == want["on"]  # readable on the accent
        chat.screenshot(path=str(ARTIFACTS / f"theme-custom-{scheme}.png"))
    # The light theme's other levers.
    set_options(page, f"{{theme: {THEMES['light']}}}")
    expect(chat.locator(".ck-root")).to_have_css("font-size", "17px")
    expect(chat.locator("[data-action=send]")).to_have_css("border-top-left-radius", "14px")


def test_locale_switch_and_rtl(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    languages: list[str] = []
    page.on(
        "request",
        lambda r: (
            r.url.endswith("/chatkit") and languages.append(r.headers.get("accept-language", ""))
        ),
    )
    set_options(page, "{locale: 'de'}")
    expect(chat.locator("textarea")).to_have_attribute("placeholder", "Nachricht an die KI")
    expect(chat.get_by_role("heading", name="Wobei kann ich heute helfen?")).to_be_visible()
    send(chat, "hallo")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: hallo")
    assert languages and languages[-1] == "de"
    set_options(page, "{locale: 'ar'}")
    expect(chat.locator(".ck-root")).to_have_attribute("dir", "rtl")
    expect(chat.locator("textarea")).to_have_attribute(
        "placeholder", "أرسل رسالة إلى الذكاء الاصطناعي"
    )
    # Right-to-left layout: the user's bubble sits on the left edge.
    box = chat.locator(".ck-user").bounding_box()
    thread = chat.locator(".ck-thread").bounding_box()
    assert box and thread and box["x"] - thread["x"] < 40
    set_options(page, "{locale: 'xx-unknown'}")
    expect(chat.locator("textarea")).to_have_attribute("placeholder", "Message the AI")
    expect(chat.locator(".ck-root")).to_have_attribute("dir", "ltr")


def test_http_errors_are_shown_and_reported(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    page.evaluate(
        "document.querySelector('openai-chatkit').setThreadId('thr_missing').catch(() => {})"
    )
    expect(chat.locator(".ck-error")).to_be_visible()
    assert events(page, "chatkit.error")
    # A failing endpoint: the message stays on screen, the error says why, Retry resends.
    set_options(
        page,
        """{api: {url: '/chatkit', domainKey: 'x', fetch: (url, init) =>
              window.__fail ? Promise.resolve(new Response(JSON.stringify({error: {message: 'Service unavailable'}}),
                {status: 503, headers: {'Content-Type': 'application/json'}})) : fetch(url, init)}}""",
    )
    page.evaluate("document.querySelector('openai-chatkit').setThreadId(null)")
    page.evaluate("window.__fail = true")
    send(chat, "are you there")
    expect(chat.locator(".ck-error")).to_contain_text("Service unavailable")
    expect(chat.locator(".ck-user")).to_contain_text("are you there")
    page.evaluate("window.__fail = false")
    chat.locator(".ck-error").get_by_role("button", name="Retry").click()
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: are you there")
    expect(chat.locator(".ck-user")).to_have_count(1)


def test_aborted_stream_keeps_what_was_shown(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    # The body dies after the first deltas (a dropped connection).
    set_options(
        page,
        """{api: {url: '/chatkit', domainKey: 'x', fetch: async (url, init) => {
              const res = await fetch(url, init);
              if (!(res.headers.get('content-type') || '').includes('event-stream')) return res;
              const reader = res.body.getReader();
              let chunks = 0;
              const body = new ReadableStream({async pull(c) {
                const {value, done} = await reader.read();
                if (done || ++chunks > 8) { c.error(new TypeError('network error')); reader.cancel(); return; }
                c.enqueue(value);
              }});
              return new Response(body, {headers: res.headers});
            }}}""",
    )
    send(chat, "stream 200")
    expect(chat.locator(".ck-error")).to_be_visible()
    expect(chat.locator(".ck-user")).to_contain_text("stream 200")
    expect(chat.locator(".ck-assistant")).to_contain_text("word0")
    assert events(page, "chatkit.error")


def test_client_tool_round_trip(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    set_options(
        page, "{onClientTool: async ({name, params}) => ({selection: name + ':' + params.scope})}"
    )
    send(chat, "tool cells")
    expect(chat.locator(".ck-assistant")).to_contain_text(
        "Tool output: {'selection': 'get_selection:cells'}"
    )
    starts = events(page, "chatkit.response.start")
    ends = events(page, "chatkit.response.end")
    assert len(starts) == len(ends) == 1  # one busy period across the tool call


def test_client_effects_fire_events(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "effect blue")
    expect(chat.locator(".ck-assistant")).to_contain_text("Effect sent.")
    assert events(page, "chatkit.effect")[0]["detail"] == {
        "name": "highlight",
        "data": {"color": "blue"},
    }


def test_widget_action_goes_to_server(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "widget")
    card = chat.locator(".ckw-card")
    expect(card).to_contain_text("A widget card")
    card.get_by_role("button", name="Approve").click()
    expect(chat.locator(".ck-assistant")).to_contain_text("Action approve handled.")
    assert live.server.actions == [{"type": "approve", "payload": {"id": 7}}]


def test_notice_is_rendered(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "notice")
    notice = chat.locator(".ck-notice-warning")
    expect(notice).to_contain_text("Heads up")
    expect(notice.locator(".ck-md strong")).to_have_text("gap")


def test_date_picker_calendar_placement_and_time(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    send(chat, "stream 120")  # a long reply first: the pickers end up low, with room above
    expect(chat.locator(".ck-assistant")).to_contain_text("word119")
    send(chat, "dates")
    day = chat.locator("input[name=day]")
    meeting = chat.locator("input[name=meeting]")
    expect(day).to_have_attribute("type", "date")
    expect(day).to_have_value("2025-06-12")
    expect(meeting).to_have_attribute("type", "datetime-local")  # its value has a time
    expect(meeting).to_have_value("2025-06-12T14:30")

    # side "top", align "end": above the control, right edges lined up.
    day.locator("xpath=..").get_by_role("button").first.click()
    calendar = chat.locator(".ckw-calendar")
    expect(calendar).to_be_visible()
    box, control = calendar.bounding_box(), day.locator("xpath=..").bounding_box()
    assert box and control
    expect(calendar).to_have_attribute("data-side", "top")
    assert box["y"] + box["height"] <= control["y"] + 1
    assert abs((box["x"] + box["width"]) - (control["x"] + control["width"])) <= 1
    calendar.get_by_role("gridcell", name=re.compile("June 20, 2025")).click()
    expect(calendar).to_have_count(0)
    expect(day).to_have_value("2025-06-20")

    # side "right", align "center": to the right, centred; picking keeps the time, and
    # days before min are disabled.
    meeting.locator("xpath=..").get_by_role("button").first.click()
    box, control = calendar.bounding_box(), meeting.locator("xpath=..").bounding_box()
    assert box and control
    expect(calendar).to_have_attribute("data-side", "right")
    assert box["x"] >= control["x"] + control["width"] - 1
    centre = box["y"] + box["height"] / 2
    assert abs(centre - (control["y"] + control["height"] / 2)) <= 2
    expect(calendar.get_by_role("gridcell", name=re.compile("June 9, 2025"))).to_be_disabled()
    expect(calendar.locator("[data-date='2025-06-12']")).to_be_focused()  # the current day
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(meeting).to_have_value("2025-06-13T14:30")
    ARTIFACTS.mkdir(exist_ok=True)
    chat.screenshot(path=str(ARTIFACTS / "date-picker.png"))
