"""The history view: list, open, rename, delete."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live
from tests.e2e.helpers import events, open_chat, send

pytestmark = pytest.mark.e2e


def start_thread(chat: Any, text: str) -> None:
    send(chat, text)
    expect(chat.locator(".ck-assistant").last).to_contain_text("Title set.")


def test_history_open_rename_delete(page: Any, live: Live) -> None:
    chat = open_chat(page, live.url)
    start_thread(chat, "title Alpha")
    chat.locator("[data-action=new-chat]").click()
    expect(chat.get_by_role("heading", name="Scripted test bench")).to_be_visible()
    start_thread(chat, "title Beta")

    chat.locator("[data-action=history]").click()
    assert events(page, "chatkit.history.open")
    rows = chat.locator(".ck-history-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Beta")  # newest first

    # Open the older thread.
    chat.get_by_role("button", name="Alpha", exact=True).click()
    expect(chat.locator(".ck-user")).to_contain_text("title Alpha")
    assert events(page, "chatkit.history.close")
    assert events(page, "chatkit.thread.load.end")

    # Rename it.
    chat.locator("[data-action=history]").click()
    chat.get_by_role("button", name="Rename: Alpha").click()
    box = chat.get_by_role("textbox", name="Rename")
    box.fill("Alpha renamed")
    box.press("Enter")
    expect(chat.get_by_role("button", name="Alpha renamed", exact=True)).to_be_visible()

    # Delete the other one; the list and the server agree.
    chat.get_by_role("button", name="Delete: Beta").click()
    chat.locator(".ck-btn-danger").click()
    expect(rows).to_have_count(1)
    chat.get_by_role("button", name="Back to chat").click()
    chat.locator("[data-action=history]").click()
    expect(chat.locator(".ck-history-row")).to_have_count(1)
    expect(chat.locator(".ck-history-row")).to_contain_text("Alpha renamed")
