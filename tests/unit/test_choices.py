"""bot.chat.choices: no list shows the same button twice."""

from __future__ import annotations

from bot.chat.choices import distinct_labels


def test_labels_stay_short_where_they_differ_and_grow_only_where_they_clash() -> None:
    labels = distinct_labels(
        [
            (1, ["张三", "·8000", "· 11月12日"]),
            (2, ["张三", "·9000", "· 11月13日"]),
            (3, ["李四", "·8000", "· 11月14日"]),
        ]
    )
    assert labels == [(1, "张三 ·8000"), (2, "张三 ·9000"), (3, "李四")]


def test_the_next_part_tells_apart_what_the_first_two_do_not() -> None:
    labels = distinct_labels([(1, ["张三", "·8000", "· 11月12日"]), (2, ["张三", "·8000", "· 11月13日"])])
    assert [label for _, label in labels] == ["张三 ·8000 · 11月12日", "张三 ·8000 · 11月13日"]


def test_an_option_given_twice_is_shown_once_and_identical_ones_are_numbered() -> None:
    labels = distinct_labels([(1, ["王芳"]), (1, ["王芳"]), (2, ["王芳"]), (3, [""])])
    assert labels == [(1, "王芳 (1)"), (2, "王芳 (2)"), (3, "?")]


def test_labels_are_cut_to_the_width_and_still_differ() -> None:
    long = "张" * 80
    labels = [label for _, label in distinct_labels([(1, [long]), (2, [long])], width=60)]
    assert len(set(labels)) == 2 and all(len(label) <= 60 for label in labels)
