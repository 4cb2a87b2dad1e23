"""The digest's after-sale section (domain.aftersale_digest) and its rendering, zh and en, the
group copy masked (bot.digests.render_aftersale)."""

from __future__ import annotations

from dataclasses import replace

from bot.digests.render import render_digest
from domain.aftersale import CareItem, CareItemKind, DueKind, Satisfaction, start_care, with_contact
from domain.aftersale_digest import CaredFor, aftersale_rows, summarize_aftersale
from domain.digest import summarize
from domain.model import Closure
from tests.unit.test_digest import NOW, RULES, ZONE, D, H, facts, reg

WON_AT = NOW - 10 * D  # Saturday 31 Oct: first contact due by the end of Wednesday 4 Nov


def cared(id: int, holder: str = "王芳", won_at=WON_AT, **care_changes) -> CaredFor:
    r = replace(reg(id, holder, filed_at=won_at - D), closure=Closure.WON, closed_at=won_at)
    care = replace(start_care(id, won_at, RULES), **care_changes)
    return CaredFor(r, care)


def item(id: int, reg_id: int, kind: CareItemKind, due_at, note: str = "床板异响") -> CareItem:
    return CareItem(id, reg_id, kind, note, due_at - 3 * D, 1, due_at)


def test_contacts_due_today_and_overdue_overdue_first() -> None:
    overdue = cared(1)  # first contact due 4 Nov, not done
    due_today = cared(2, won_at=NOW - 5 * D)  # Thu 5 Nov: due by the end of Tue 10 Nov
    later = cared(3, won_at=NOW - D)  # due next week
    done = cared(4)
    done = replace(done, care=with_contact(done.care, NOW - 8 * D, RULES))  # monthly contact in a month
    section = summarize_aftersale([later, due_today, done, overdue], NOW, RULES)
    assert [(c.registration_id, c.kind, c.overdue) for c in section.contacts] == [
        (1, DueKind.FIRST_CONTACT, True),
        (2, DueKind.FIRST_CONTACT, False),
    ]
    assert section.overdue_contacts == 1 and not section.empty


def test_a_customers_identical_problems_are_one_line_with_their_count() -> None:
    c = cared(
        1,
        first_contact_at=WON_AT + D,
        items=(
            item(11, 1, CareItemKind.PROBLEM, NOW - H),
            item(12, 1, CareItemKind.PROBLEM, NOW - 2 * H, "抽屉卡住"),
            item(13, 1, CareItemKind.PROBLEM, NOW + D),
            item(14, 1, CareItemKind.NEED, NOW + 2 * D),
        ),
    )
    section = summarize_aftersale([c], NOW, RULES)
    assert [(i.kind, i.count, i.overdue, i.due_at, i.first_item_id) for i in section.items] == [
        (DueKind.PROBLEM, 2, True, NOW - 2 * H, 12),
        (DueKind.PROBLEM, 1, False, NOW + D, 13),
        (DueKind.NEED, 1, False, NOW + 2 * D, 14),
    ]
    assert section.overdue_items == 2


def test_scores_of_the_day_only_and_nothing_to_say_is_empty() -> None:
    today = cared(1, first_contact_at=NOW - H, satisfaction=Satisfaction(5, "很好", NOW - H, 1))
    yesterday = cared(2, first_contact_at=NOW - D, satisfaction=Satisfaction(3, None, NOW - D, 1))
    later_today = cared(3, first_contact_at=NOW - H, satisfaction=Satisfaction(4, None, NOW + H, 1))
    section = summarize_aftersale([yesterday, today, later_today], NOW, RULES)
    assert [(s.registration_id, s.score) for s in section.scores] == [(1, 5)]
    assert summarize_aftersale([yesterday], NOW, RULES).empty
    assert summarize_aftersale([], NOW, RULES).empty


def test_care_ended_owes_no_contact_but_an_open_problem_stays() -> None:
    old = cared(1, won_at=NOW - 400 * D, items=(item(11, 1, CareItemKind.PROBLEM, NOW - 30 * D),))
    section = summarize_aftersale([old], NOW, RULES)
    assert section.contacts == () and [i.count for i in section.items] == [1]
    [row] = aftersale_rows([old], NOW)
    assert (row.next_contact_due_at, row.open_items, row.overdue) == (None, 1, True)


def test_rows_one_per_customer_by_deal() -> None:
    a = cared(1, satisfaction=Satisfaction(4, None, WON_AT + D, 1), first_contact_at=WON_AT + D)
    b = cared(2, won_at=NOW - D)
    rows = aftersale_rows([b, a], NOW)
    assert [(r.registration_id, r.satisfaction, r.overdue) for r in rows] == [(1, 4, False), (2, None, False)]


def digest_with_aftersale():
    items = (item(11, 1, CareItemKind.PROBLEM, NOW - H),)
    cares = (
        cared(1, holder="王芳", items=items),  # first contact overdue, a problem overdue
        cared(2, holder="刘洋", first_contact_at=NOW - H, satisfaction=Satisfaction(5, None, NOW - H, 2)),
    )
    return summarize(facts(aftersale=cares), NOW, RULES)


def test_the_private_summary_names_the_customer_in_both_languages() -> None:
    zh = "\n".join(render_digest(digest_with_aftersale(), "zh", ZONE, mask_phones=False))
    assert "售后联系：今日到期 / 已超期（1）" in zh
    assert "王芳：客户1 138 0000 0001，首次联系，截止" in zh and "（已超期）" in zh
    assert "售后未解决的问题 / 需求（1）" in zh and "问题 1 项" in zh
    assert "今日满意度（1）" in zh and "刘洋：客户2 138 0000 0002，5 分" in zh
    en = "\n".join(render_digest(digest_with_aftersale(), "en", ZONE, mask_phones=False))
    assert "After-sale contacts due today or overdue (1)" in en and "first contact, due" in en
    assert "(overdue)" in en and "problem ×1, earliest due" in en
    assert "Satisfaction scores today (1)" in en and "客户2 138 0000 0002, 5/5" in en


def test_the_group_copy_masks_the_customer() -> None:
    for language in ("zh", "en"):
        text = "\n".join(render_digest(digest_with_aftersale(), language, ZONE))
        assert "客户1" not in text and "客户2" not in text
        assert "138 0000 0001" not in text and "13800000001" not in text
        assert "客*" in text and "138****0001" in text and "138****0002" in text
        assert "床板异响" not in text  # a problem's note is never in the summary


def test_no_section_when_nothing_to_say() -> None:
    quiet = summarize(facts(), NOW, RULES)
    for language in ("zh", "en"):
        text = "\n".join(render_digest(quiet, language, ZONE))
        assert "售后" not in text and "After-sale" not in text and "满意度" not in text
