"""Locales in Chromium: the start screen, composer and history in a sample of the
translated locales (left-to-right and right-to-left, regional variants), and the
fallbacks to the browser's language and to English."""

# ruff: noqa: RUF001 (the CJK sample strings end in full-width question marks)
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live
from tests.e2e.helpers import open_chat, set_options

pytestmark = pytest.mark.e2e

# locale option -> (dir, greeting, placeholder, send label, history title, empty history)
SAMPLE = {
    "de": ("ltr", "Wobei kann ich heute helfen?", "Nachricht an die KI", "Nachricht senden",
           "Verlauf", "Noch keine Unterhaltungen"),
    "ja": ("ltr", "今日はどのようなご用件ですか？", "AI にメッセージを送信", "メッセージを送信",
           "履歴", "まだ会話はありません"),
    "hi-IN": ("ltr", "आज मैं आपकी क्या मदद कर सकता हूँ?", "AI को संदेश भेजें", "संदेश भेजें",
              "इतिहास", "अभी कोई बातचीत नहीं"),
    "ar": ("rtl", "كيف يمكنني مساعدتك اليوم؟", "أرسل رسالة إلى الذكاء الاصطناعي", "إرسال الرسالة",
           "السجل", "لا توجد محادثات بعد"),
    "he": ("rtl", "במה אפשר לעזור היום?", "כתבו ל-AI", "שליחת הודעה",
           "היסטוריה", "אין עדיין שיחות"),
    "ur": ("rtl", "آج میں آپ کی کیا مدد کر سکتا ہوں؟", "AI کو پیغام لکھیں", "پیغام بھیجیں",
           "سرگزشت", "ابھی کوئی گفتگو نہیں"),
    # Regional variants: their own strings where they differ, their base table's elsewhere.
    "zh-HK": ("ltr", "今天有什麼我可以幫忙的嗎？", "傳送訊息給 AI", "傳送訊息",
              "記錄", "暫時沒有對話"),
    "pt-PT": ("ltr", "Em que posso ajudar hoje?", "Escreva à IA", "Enviar mensagem",
              "Histórico", "Ainda não há conversas"),
    "es-MX": ("ltr", "¿En qué puedo ayudarte hoy?", "Escribe a la IA", "Enviar mensaje",
              "Historial", "Todavía no hay conversaciones"),
}  # fmt: skip


@pytest.mark.parametrize("locale", list(SAMPLE))
def test_start_screen_composer_and_history(page: Any, live: Live, locale: str) -> None:
    direction, greeting, placeholder, send_label, history, empty = SAMPLE[locale]
    chat = open_chat(page, live.url)
    set_options(page, f"{{locale: '{locale}'}}")
    root = chat.locator(".ck-root")
    expect(root).to_have_attribute("dir", direction)
    expect(root).to_have_attribute("lang", locale)
    expect(chat.get_by_role("heading", name=greeting)).to_be_visible()
    box = chat.locator("textarea")
    expect(box).to_have_attribute("placeholder", placeholder)
    expect(chat.get_by_role("button", name=send_label)).to_be_visible()
    # The textarea's own direction follows the root: text starts at the right in RTL.
    assert box.evaluate("el => getComputedStyle(el).direction") == direction

    chat.locator("[data-action=history]").click()
    expect(chat.locator(".ck-header-title")).to_have_text(history)
    expect(chat.locator(".ck-history .ck-empty")).to_have_text(empty)


@pytest.fixture
def portuguese_page(browser: Any, live: Live) -> Iterator[Any]:
    context = browser.new_context(locale="pt-BR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"uncaught page errors: {errors}"


def test_each_locale_loads_only_its_own_chunks(page: Any, live: Live) -> None:
    chunks: list[str] = []

    def record(request: Any) -> None:
        if "/chunks/" in request.url:
            chunks.append(request.url.rsplit("/", 1)[1])

    page.on("request", record)
    chat = open_chat(page, live.url)
    assert chunks == []  # English is in the main bundle
    set_options(page, "{locale: 'es-MX'}")
    expect(chat.locator("textarea")).to_have_attribute("placeholder", "Escribe a la IA")
    # A regional variant: its own small chunk plus its base language's.
    assert sorted(c.split("-")[0] for c in chunks) == ["es", "es"]
    assert any(c.startswith("es-419-") for c in chunks)


def test_unset_locale_follows_the_browser(portuguese_page: Any, live: Live) -> None:
    chat = open_chat(portuguese_page, live.url)
    set_options(portuguese_page, "{}")
    expect(chat.locator(".ck-root")).to_have_attribute("lang", "pt-BR")
    expect(chat.locator("textarea")).to_have_attribute(
        "placeholder", "Envie uma mensagem para a IA"
    )
    # An unsupported locale falls back to English, not to the browser's language.
    set_options(portuguese_page, "{locale: 'yi'}")
    expect(chat.locator("textarea")).to_have_attribute("placeholder", "Message the AI")
    expect(chat.locator(".ck-root")).to_have_attribute("dir", "ltr")
