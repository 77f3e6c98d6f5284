"""Composer features: @-mentions, / commands, the tool menu and the model picker, and
what reaches the server from them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live
from tests.e2e.helpers import events, open_chat, replies_finished, set_options

pytestmark = pytest.mark.e2e

ENTITIES = """[
  {id: 'a1', title: 'Ada Lovelace', group: 'People', interactive: true, data: {kind: 'person'}},
  {id: 'p1', title: 'Analytical Engine', group: 'Projects', data: {}},
]"""


def test_mentions_become_tags(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    set_options(
        page,
        f"""{{entities: {{showComposerMenu: true,
              onTagSearch: async (q) => {ENTITIES}.filter(e => e.title.toLowerCase().includes(q.toLowerCase())),
              onClick: (e) => window.__clicked = e.id}}}}""",
    )
    box = chat.locator("textarea")
    box.click()
    page.keyboard.type("Tell me about @ada")
    options = chat.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Ada Lovelace")
    page.keyboard.press("Enter")  # picks the highlighted result
    expect(box).to_have_value("Tell me about @Ada Lovelace ")
    page.keyboard.type("please")
    page.keyboard.press("Enter")
    expect(chat.locator(".ck-assistant")).to_contain_text(
        "You said: Tell me about Ada Lovelace please"
    )
    replies_finished(page)  # the composer is idle again (its buttons were busy)
    content = [part.model_dump() for part in live.server.inputs[-1].content]
    assert content[1] == {
        "type": "input_tag",
        "id": "a1",
        "text": "Ada Lovelace",
        "data": {"kind": "person"},
        "group": "People",
        "interactive": True,
    }
    assert content[0]["text"] == "Tell me about "
    chat.locator(".ck-user .ck-tag-interactive").click()
    page.wait_for_function("window.__clicked === 'a1'")
    # The @ button opens the search too.
    chat.get_by_role("button", name="Mention").click()
    expect(chat.get_by_role("option")).to_have_count(2)
    expect(chat.locator(".ck-popup-group")).to_have_count(2)


def test_slash_commands(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    set_options(
        page,
        """{commands: {enabled: true,
              onSearch: async (q) => [{id: 'care', label: 'Care', description: 'Look after it'},
                                      {id: 'find', label: 'Find events'}].filter(c => c.id.startsWith(q)),
              onSelect: async (c) => c.id === 'care'
                ? {type: 'menu', commands: [{id: 'feed', label: 'Feed'}, {id: 'play', label: 'Play'}]}
                : (window.__selected = c.id, undefined)}}""",
    )
    chat.locator("textarea").click()
    page.keyboard.type("/c")
    expect(chat.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(chat.get_by_role("option")).to_have_count(2)  # the nested menu
    chat.get_by_role("option", name="Play").click()
    page.wait_for_function("window.__selected === 'play'")
    expect(chat.locator("textarea")).to_have_value("")


def test_tools_and_models_reach_the_server(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    set_options(
        page,
        """{composer: {
              tools: [{id: 'search', label: 'Web search', icon: 'globe', shortLabel: 'Search',
                       placeholderOverride: 'Search the web'},
                      {id: 'draw', label: 'Draw', icon: 'images', pinned: true, persistent: true}],
              models: [{id: 'fast', label: 'Fast', default: true}, {id: 'deep', label: 'Deep'}]}}""",
    )
    chat.get_by_role("button", name="Tools").click()
    chat.get_by_role("menuitemradio", name="Web search").click()
    box = chat.locator("textarea")
    expect(box).to_have_attribute("placeholder", "Search the web")
    assert events(page, "chatkit.tool.change")[-1]["detail"] == {"toolId": "search"}
    chat.get_by_role("combobox", name="Model").select_option("deep")
    box.fill("first")
    box.press("Enter")
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: first")
    options = live.server.inputs[-1].inference_options
    assert options.tool_choice and options.tool_choice.id == "search"
    assert options.model == "deep"
    # A non-persistent tool is cleared after sending; a pinned persistent one stays.
    expect(box).to_have_attribute("placeholder", "Message the AI")
    chat.get_by_role("button", name="Draw").click()
    box.fill("second")
    box.press("Enter")
    expect(chat.locator(".ck-assistant").last).to_contain_text("You said: second")
    expect(chat.get_by_role("button", name="Draw")).to_have_attribute("aria-pressed", "true")
    tool = live.server.inputs[-1].inference_options.tool_choice
    assert tool and tool.id == "draw"


def test_tags_without_data_reach_the_server(page: Any, live: Live) -> None:
    """The official types make a tag's `data` optional; the server requires it."""
    chat = open_chat(page, live.url)
    page.evaluate(
        """document.querySelector('openai-chatkit').sendUserMessage({content: [
             {type: 'input_text', text: 'about '}, {type: 'input_tag', id: 'a1', text: 'Ada'}]})"""
    )
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: about Ada")
    tag = live.server.inputs[-1].content[1].model_dump()
    assert tag == {
        "type": "input_tag",
        "id": "a1",
        "text": "Ada",
        "data": {},
        "group": None,
        "interactive": False,
    }
    # A start-screen prompt with such a tag, in a new thread.
    set_options(
        page,
        """{startScreen: {prompts: [{label: 'Ask about Ada', prompt: [
              {type: 'input_text', text: 'tell me of '},
              {type: 'input_tag', id: 'a1', text: 'Ada', interactive: true}]}]}}""",
    )
    page.evaluate("document.querySelector('openai-chatkit').setThreadId(null)")
    chat.get_by_role("button", name="Ask about Ada").click()
    expect(chat.locator(".ck-assistant")).to_contain_text("You said: tell me of Ada")
    assert live.server.inputs[-1].content[1].model_dump()["data"] == {}
    assert live.server.inputs[-1].content[1].model_dump()["interactive"] is True
