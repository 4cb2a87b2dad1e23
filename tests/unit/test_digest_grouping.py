"""The daily summary groups identical lines: one person's repeated duplicate filings of one held
customer are one line with their count ("6 duplicate attempts on 张*"), grouped in the domain."""

from __future__ import annotations

from bot.digests.render import render_digest
from domain.digest import RejectedDuplicate, group_duplicate_attempts, summarize
from tests.unit.test_digest import NOW, RULES, ZONE, H, facts

ZHANG, LI = "+8613900000001", "+8613900000002"
MINUTE = H / 60


def attempts() -> list[RejectedDuplicate]:
    six = [RejectedDuplicate(NOW - 5 * H + i * MINUTE, "刘洋", "王芳", "张三", ZHANG, 2) for i in range(6)]
    return [
        *six,
        RejectedDuplicate(NOW - 4 * H, "刘洋", "王芳", "李四", LI, 2),  # another customer
        RejectedDuplicate(NOW - 3 * H, "陈静", "王芳", "张三", ZHANG, 3),  # another filer
        RejectedDuplicate(NOW - 2 * H, "刘洋", "王芳", "张先生", ZHANG, 2),  # the same phone, named otherwise
        RejectedDuplicate(NOW - 2 * H, "刘洋", "王芳", "张三", ZHANG, 9),  # a namesake: another person
    ]


def test_identical_attempts_are_one_entry_with_their_count() -> None:
    grouped = group_duplicate_attempts(list(reversed(attempts())))
    assert [(g.filer_name, g.customer, g.count) for g in grouped] == [
        ("刘洋", "张*", 7),
        ("刘洋", "李*", 1),
        ("陈静", "张*", 1),
        ("刘洋", "张*", 1),
    ]
    first = grouped[0]
    assert (first.first_at, first.last_at, first.holder_name) == (NOW - 5 * H, NOW - 2 * H, "王芳")
    assert group_duplicate_attempts([]) == ()


def test_the_summary_shows_a_repeated_attempt_once_with_its_count() -> None:
    digest = summarize(facts(rejected_duplicates=attempts()[:6]), NOW, RULES)
    assert len(digest.rejected_duplicates) == 6 and len(digest.duplicate_attempts) == 1
    zh = "\n".join(render_digest(digest, "zh", ZONE))
    assert "今日撞单被拒（6）" in zh
    assert zh.count("刘洋") == 1
    assert (
        "• 刘洋：6 次撞单，客户 张* 已由 王芳 报备在先（11月10日（周二）15:30 至 11月10日（周二）15:35）"
        in zh
    )
    en = "\n".join(render_digest(digest, "en", ZONE))
    assert "• 刘洋: 6 duplicate attempts on 张*, a customer 王芳 already holds (Tue 10 Nov 15:30 to" in en
    assert "张三" not in zh + en and "13900000001" not in zh + en  # the customer is someone else's


def test_a_single_attempt_keeps_its_own_line() -> None:
    digest = summarize(facts(rejected_duplicates=attempts()[6:8]), NOW, RULES)
    en = "\n".join(render_digest(digest, "en", ZONE))
    assert "• Tue 10 Nov 16:30 刘洋 filed 李*, a customer 王芳 already holds" in en
    assert "• Tue 10 Nov 17:30 陈静 filed 张*, a customer 王芳 already holds" in en
    assert "duplicate attempt" not in en
