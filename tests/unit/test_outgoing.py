"""Nothing the bot sends is longer than Telegram takes (issue 10 item 5)."""

from __future__ import annotations

import html

from bot.runtime.outgoing import CAPTION_LIMIT, MESSAGE_LIMIT, fit_text


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible(text: str) -> str:
    """What Telegram shows of HTML: tags dropped, entities read."""
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_text_that_fits_is_untouched() -> None:
    text = "<b>张三</b> 13800138000 &lt;x&gt;" + "好" * 4000
    assert fit_text(text) == text


def test_long_plain_and_html_texts_are_cut_with_an_ellipsis() -> None:
    for text in ("x" * 10_000, "好" * 5000, "😀" * 3000, "<b>" + "&amp;" * 5000 + "</b>", "a<i>b" * 3000):
        for html_mode in (True, False):
            fitted = fit_text(text, html=html_mode)
            shown = visible(fitted) if html_mode else fitted
            assert units(shown) <= MESSAGE_LIMIT and fitted.endswith(("…", "</b>", "</i>"))
    assert units(visible(fit_text("x" * 5000, CAPTION_LIMIT))) <= CAPTION_LIMIT


def test_html_is_never_broken() -> None:
    text = "<b>" + "名" * 4090 + '</b><a href="https://example.com">链接</a> &amp; ' + "尾" * 100
    fitted = fit_text(text)
    assert fitted.count("<b>") == fitted.count("</b>")
    assert "&am…" not in fitted and not fitted.rstrip("…").endswith("&")
    # A cut inside an open tag closes it.
    fitted = fit_text("<i>" + "x" * 5000)
    assert fitted.endswith("…</i>")
