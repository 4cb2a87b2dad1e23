"""The tracking workbook's second sheet: the day's figures, the same the summary message gives
(bot.digests.render), and the lists by person. Staff names only, no customer: nothing to mask.

    write_summary_sheet(book, report.digest, language, rules.zone)   # bot.digests.tracking_sheet
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.digests import print_layout as layout
from bot.digests.print_layout import HEADER, LABEL, NOTE, NUMBER, TEXT, TITLE
from bot.digests.xlsx import Book
from bot.i18n.keys import Text
from bot.i18n.texts import raw
from domain.digest import TeamDigest

_WIDTHS = (36.0, 12.0, 12.0)


def figures(digest: TeamDigest, language: str) -> list[tuple[str, int]]:
    """The summary's figures with their names, in the summary's order."""

    def name(key: Text, **values: object) -> str:
        return raw(language, key, **values)

    return [
        (name(Text.digest_summary_open), digest.open_count),
        (name(Text.digest_summary_new), len(digest.new_registrations)),
        (name(Text.digest_summary_follow_ups), digest.follow_ups),
        (name(Text.digest_summary_credits), len(digest.credits)),
        (name(Text.digest_summary_due), sum(person.due for person in digest.due_by_person)),
        (name(Text.digest_summary_lapsed), len(digest.lapsed)),
        (
            name(Text.digest_summary_about_to_lapse, hours=digest.lapse_warning_hours),
            len(digest.about_to_lapse),
        ),
        (
            name(Text.digest_summary_about_to_expire, hours=digest.expiry_warning_hours),
            len(digest.about_to_expire),
        ),
        (name(Text.digest_summary_expired), len(digest.expired_today)),
        (name(Text.digest_summary_rejected), len(digest.rejected_duplicates)),
        (name(Text.digest_summary_possible), len(digest.possible_duplicates)),
        (name(Text.digest_summary_reviews), len(digest.pending_reviews)),
        (name(Text.digest_summary_extensions), len(digest.pending_extensions)),
        (name(Text.digest_summary_unreachable), len(digest.unreachable)),
    ]


def write_summary_sheet(book: Book, digest: TeamDigest, language: str, zone: ZoneInfo) -> None:
    """The sheet, after the workbook's others."""
    sheet = book.sheet(raw(language, Text.digest_summary_sheet))
    sheet.widths(_WIDTHS)
    layout.set_up_pages(sheet, language, landscape=False)
    heading = raw(
        language,
        Text.digest_summary_heading,
        team=digest.team.name,
        date=digest.day.isoformat(),
        time=f"{digest.at.astimezone(zone):%H:%M}",
    )
    sheet.append_merged(heading, TITLE, columns=len(_WIDTHS), height=layout.TITLE_HEIGHT)

    def table(title: Text | None, headers: Sequence[Text], lines: Sequence[Sequence[str | int]]) -> None:
        if title is not None:
            sheet.append([raw(language, title)], LABEL, height=layout.LINE_HEIGHT * 2)
        words = [raw(language, key) for key in headers]
        sheet.append(words, HEADER, height=layout.row_height(words, _WIDTHS))
        for line in lines:
            styles = [NUMBER if isinstance(v, int) else TEXT for v in line]
            sheet.append(line, styles, height=layout.row_height(line, _WIDTHS))

    table(None, (Text.digest_summary_col_item, Text.digest_summary_col_count), figures(digest, language))
    unknown = raw(language, Text.digest_unknown_staff)
    if digest.follow_ups_by_person:
        table(
            Text.digest_summary_by_person,
            (Text.digest_summary_col_name, Text.digest_summary_col_times),
            [(p.name or unknown, p.count) for p in digest.follow_ups_by_person],
        )
    if digest.due_by_person:
        table(
            Text.digest_summary_due_by_person,
            (Text.digest_summary_col_name, Text.digest_summary_col_due, Text.digest_summary_col_lapsed),
            [(p.name, p.due, p.lapsed) for p in digest.due_by_person],
        )
    if digest.quota:
        table(
            Text.digest_summary_quota,
            (Text.digest_summary_col_name, Text.digest_summary_col_used, Text.digest_summary_col_limit),
            [(q.name, q.used, q.limit) for q in digest.quota],
        )
    if digest.unreachable:
        table(
            Text.digest_summary_unreachable,
            (Text.digest_summary_col_name,),
            [(name,) for name in digest.unreachable],
        )
    legend = raw(language, Text.digest_summary_legend)
    height = layout.LINE_HEIGHT + layout.row_height([legend], [sum(_WIDTHS)])
    sheet.append_merged(legend, NOTE, columns=len(_WIDTHS), height=height)
