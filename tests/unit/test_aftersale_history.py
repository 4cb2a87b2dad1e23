"""/history's lines for after-sale care: who did what, which item, which score, the note (zh and en)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.history.handlers import timeline_text
from domain.history import Entry, Timeline
from domain.model import EventKind

AT = datetime(2026, 11, 12, 2, 0, tzinfo=UTC)
ENTRIES = (
    Entry(AT, EventKind.AFTERSALE_CONTACT, "周客服", 7, False, written="电话回访"),
    Entry(AT, EventKind.SATISFACTION, "周客服", 7, False, written="安装好", score=4),
    Entry(AT, EventKind.PROBLEM_OPENED, "王芳", 7, False, written="床板异响", item_id=3),
    Entry(AT, EventKind.PROBLEM_SOLVED, "周客服", 7, False, written="已更换", item_id=3),
    Entry(AT, EventKind.NEED_OPENED, "王芳", 7, False, written="加床头柜", item_id=4),
    Entry(AT, EventKind.NEED_MET, "王芳", 7, True, item_id=4),  # another team's: no written text
)
EXPECTED = {
    "zh": [
        "周客服：#7 售后回访，备注：电话回访",
        "周客服：#7 客户满意度 4 分（满分 5 分），备注：安装好",
        "王芳：#7 记录客户问题（第 3 项），备注：床板异响",
        "周客服：#7 客户问题已解决（第 3 项），备注：已更换",
        "王芳：#7 记录客户需求（第 4 项），备注：加床头柜",
        "王芳：#7 客户需求已满足（第 4 项）",
    ],
    "en": [
        "周客服: after-sale contact on #7, note: 电话回访",
        "周客服: customer's satisfaction on #7: 4 out of 5, note: 安装好",
        "王芳: customer's problem recorded on #7 (no. 3), note: 床板异响",
        "周客服: customer's problem solved on #7 (no. 3), note: 已更换",
        "王芳: customer's need recorded on #7 (no. 4), note: 加床头柜",
        "王芳: customer's need met on #7 (no. 4)",
    ],
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_after_sale_entries_say_who_did_what(language: str) -> None:
    text = timeline_text(language, Timeline("+8613800138000", (), ENTRIES), ZoneInfo("Asia/Shanghai"))
    lines = text.splitlines()[-len(ENTRIES) :]
    for line, expected in zip(lines, EXPECTED[language], strict=True):
        assert line.endswith(expected), (line, expected)
