"""Names that can be one person (RULES §3.7), and the surname key that lets them meet."""

from __future__ import annotations

import pytest

from domain.names import has_given_name, name_key, normalize_name, same_person


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  王建国 ", "王建国"),
        ("王建國", "王建国"),
        ("Wáng  Jiànguó", "wang jianguo"),
        ("ＷＡＮＧ　Ｊｉａｎｇｕｏ", "wang jianguo"),
        ("阿卜杜·热合曼", "阿卜杜 热合曼"),
        ("Lǚ Bù", "lu bu"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("王建国", "王建国"),
        ("王建国", " 王建国 "),
        ("王建国", "王建國"),  # traditional
        ("王建国", "Wang Jianguo"),
        ("王建国", "wang jian guo"),
        ("王建国", "WANGJIANGUO"),
        ("王建国", "Jianguo Wang"),  # given name first
        ("王建国", "Wáng Jiànguó"),  # tone marks
        ("王建国", "王建帼"),  # homophone
        ("王建国", "汪建国"),  # homophone surname
        ("Wang Jianguo", "Jianguo Wang"),
        ("Wang Jianguo", "wang jian guo"),
        ("欧阳修", "Ouyang Xiu"),  # compound surnames
        ("欧阳修", "Xiu Ouyang"),
        ("司马光", "Sima Guang"),
        ("诸葛亮", "Zhuge Liang"),
        ("上官婉儿", "Shangguan Wan'er"),
        ("曾梵志", "Zeng Fanzhi"),  # a surname read otherwise (曾 zeng, not ceng)
        ("单田芳", "Shan Tianfang"),
        ("吕布", "Lü Bu"),
        ("吕布", "Lv Bu"),
        ("张朝阳", "Zhang Chaoyang"),  # 朝 read chao in a given name
        ("王先生", "王建国"),  # honorifics meet full names with their surname
        ("李女士", "李丽"),
        ("张姐", "张三"),
        ("刘哥", "Liu Wei"),
        ("陈总", "陈志明"),
        ("赵老师", "赵敏"),
        ("小王", "王建国"),
        ("老王", "Wang Jianguo"),
        ("王太太", "王丽"),
        ("王阿姨", "王芳"),
        ("欧阳先生", "欧阳修"),
        ("Mr Wang", "王建国"),
        ("Mrs. Li", "李丽"),
        ("王先生", "王先生"),
        ("王先生", "王总"),  # one sex and none said
        ("王先生", "Mr Wang"),
        ("王建国先生", "王建国"),
        ("David 王建国", "王建国"),  # an English name beside the Chinese one
        ("王建国 David", "王建国"),
        ("David 王建国", "王建国 David"),
        ("David Wang", "王建国"),  # the surname decides
        ("David Wang", "王先生"),
        ("David Wang", "Wang Jianguo"),
    ],
)
def test_same_person(a: str, b: str) -> None:
    assert same_person(a, b) and same_person(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("王建国", "王志强"),  # same surname, another given name
        ("王建国", "李建国"),
        ("王建国", "王建"),
        ("Wang Jianguo", "Wang Zhiqiang"),
        ("王建国", "Jianguo Li"),
        ("王建国", "Li Jianguo"),
        ("王先生", "王女士"),  # another sex: maybe the household, not the person
        ("王先生", "Mrs Wang"),
        ("王哥", "王姐"),
        ("小王", "小李"),
        ("王先生", "李建国"),
        ("欧阳修", "欧修"),
        ("欧阳修", "欧阳锋"),
        ("David Wang", "Michael Wang"),
        ("David Wang", "李建国"),
        ("David", "Michael"),
        ("王建国", ""),
        ("", ""),
    ],
)
def test_not_same_person(a: str, b: str) -> None:
    assert not same_person(a, b) and not same_person(b, a)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("王先生", "wang"),
        ("王建国", "wang"),
        ("王建國", "wang"),
        ("小王", "wang"),
        ("Wang Jianguo", "wang"),
        ("Jianguo Wang", "wang"),
        ("wangjianguo", "wang"),
        ("David Wang", "wang"),
        ("David 王建国", "wang"),
        ("Mr Wang", "wang"),
        ("欧阳修", "ouyang"),
        ("Ouyang Xiu", "ouyang"),
        ("Xiu Ouyang", "ouyang"),
        ("曾梵志", "zeng"),
        ("Zeng Fanzhi", "zeng"),
        ("单田芳", "shan"),
        ("吕布", "lu"),
        ("Lü Bu", "lu"),
        ("David", "david"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_names_that_are_one_person_share_a_key() -> None:
    names = ["王先生", "王建国", "王建國", "Wang Jianguo", "Jianguo Wang", "David Wang", "老王", "王建帼"]
    assert {name_key(n) for n in names} == {"wang"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("王建国", True), ("Wang Jianguo", True), ("王先生", False), ("小王", False), ("David Wang", False)],
)
def test_has_given_name(name: str, expected: bool) -> None:
    assert has_given_name(name) is expected
