"""The bot every message leaves through (chat and command line): nothing it sends is longer than
Telegram takes. A message over the limit would be refused whole ("message is too long"), so the
person would be told nothing; cut with "…" they are told nearly all of it.

Views that can grow (summaries, timelines, lists) split or page themselves; this is the net
under them, for text people typed that ended up in a message."""

from __future__ import annotations

import re
from typing import Any

from telegram.constants import MessageLimit, ParseMode
from telegram.ext import ExtBot

from domain.customer_details import mask_phones_in

MESSAGE_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4,096
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1,024
ELLIPSIS = "…"

_TEXT_ENDPOINTS = {"sendMessage": "text", "editMessageText": "text"}
_CAPTION_ENDPOINTS = {
    "sendDocument",
    "sendPhoto",
    "sendVideo",
    "sendAudio",
    "sendVoice",
    "editMessageCaption",
}
# A tag, an entity, or one character: what Telegram's HTML parser sees.
_HTML_TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>|&#?\w+;|.", re.DOTALL)


def _units(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def fit_text(text: str, limit: int = MESSAGE_LIMIT, *, html: bool = True) -> str:
    """`text` if it fits in `limit` characters as Telegram counts them, else cut with "…" — in
    HTML without breaking a tag or an entity, and closing the tags left open."""
    if _units(text) <= limit:
        return text
    budget, shown, kept = limit - 1, 0, []
    if not html:
        for ch in text:
            shown += _units(ch)
            if shown > budget:
                break
            kept.append(ch)
        return "".join(kept) + ELLIPSIS
    open_tags: list[str] = []
    for match in _HTML_TOKEN.finditer(text):
        token, closing, tag = match.group(0), match.group(1), match.group(2)
        if tag:  # markup takes no room in the message
            if closing:
                if open_tags and open_tags[-1] == tag.lower():
                    open_tags.pop()
            else:
                open_tags.append(tag.lower())
            kept.append(token)
            continue
        size = 1 if token.startswith("&") and len(token) > 1 else _units(token)
        if shown + size > budget:
            break
        shown += size
        kept.append(token)
    return "".join(kept) + ELLIPSIS + "".join(f"</{tag}>" for tag in reversed(open_tags))


def is_group_chat(chat_id: object) -> bool:
    """Telegram gives groups, supergroups and channels negative ids; people positive ones."""
    return isinstance(chat_id, int) and chat_id < 0


class LeadBot(ExtBot[Any]):
    """PTB's bot with every outgoing text and caption fitted to Telegram's limits, and — the
    net under every view that renders for a group (RULES §2) — every phone in a text or caption
    to a group chat masked, whoever typed it into what."""

    __slots__ = ()

    async def _do_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        field = _TEXT_ENDPOINTS.get(endpoint) or ("caption" if endpoint in _CAPTION_ENDPOINTS else None)
        if field is not None and isinstance(data.get(field), str):
            if is_group_chat(data.get("chat_id")):
                data[field] = mask_phones_in(data[field])
            limit = MESSAGE_LIMIT if field == "text" else CAPTION_LIMIT
            data[field] = fit_text(data[field], limit, html=data.get("parse_mode") == ParseMode.HTML)
        return await super()._do_post(endpoint, data, **kwargs)
