"""Addresses by their parts (RULES §3.7): parsing every way a filer writes one, and comparing."""

from __future__ import annotations

import timeit

import pytest

from domain.addresses import Address, normalize_text, parse_address, same_flat, same_place

FULL = "北京市朝阳区建国路88号阳光花园8栋3单元1102室"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("８栋３单元１１０２室", "8栋3单元1102室"),  # full-width digits
        ("陽光花園8棟", "阳光花园8栋"),  # traditional
        ("三栋一单元", "3栋1单元"),
        ("十二楼", "12楼"),
        ("第三栋", "3栋"),
        ("一一零二室", "1102室"),
        ("8—3－1102", "8-3-1102"),  # dashes of every width
        ("阳光花园 8栋，3单元", "阳光花园,8栋,3单元"),
        ("Jiànguó Road", "jianguo,road"),  # tone marks and capitals
        ("三里屯", "三里屯"),  # a numeral not before a building word stays
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FULL, Address(None, "北京市", "朝阳区", "建国路", "88", "阳光花园", "8", "3", "1102")),
        (
            "朝阳区建国路88号阳光花园8栋3单元1102室",
            Address(None, None, "朝阳区", "建国路", "88", "阳光花园", "8", "3", "1102"),
        ),
        (
            "建国路88号阳光花园8栋3单元1102室",
            Address(None, None, None, "建国路", "88", "阳光花园", "8", "3", "1102"),
        ),
        (
            "北京朝阳区建国路88号阳光花园8栋3单元1102",
            Address(None, "北京市", "朝阳区", "建国路", "88", "阳光花园", "8", "3", "1102"),
        ),
        (
            "广东省深圳市南山区科技路1号海景苑A座1201",
            Address("广东省", "深圳市", "南山区", "科技路", "1", "海景苑", "a", None, "1201"),
        ),
        (
            "广东深圳南山区海景苑2栋1201",
            Address("广东", None, "深圳南山区", None, None, "海景苑", "2", None, "1201"),
        ),
        (
            "上海市浦东新区世纪大道100号",
            Address(None, "上海市", "浦东新区", "世纪大道", "100", None, None, None, None),
        ),
        (
            "杭州市西湖区文三路阳光小区3幢2单元501",
            Address(None, "杭州市", "西湖区", "文三路", None, "阳光小区", "3", "2", "501"),
        ),
    ],
)
def test_parse_chinese(text: str, expected: Address) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        ("阳光花园8栋3单元1102室", "8", "3", "1102"),
        ("阳光花园8幢3单元1102", "8", "3", "1102"),
        ("阳光花园8座3单元1102", "8", "3", "1102"),
        ("阳光花园8号楼3单元1102", "8", "3", "1102"),
        ("阳光花园8栋楼3单元1102", "8", "3", "1102"),
        ("阳光花园8楼3单元1102", "8", "3", "1102"),  # 楼 before a unit: the building
        ("阳光花园8#3单元1102", "8", "3", "1102"),
        ("阳光花园8-3-1102", "8", "3", "1102"),
        ("阳光花园8栋3-1102", "8", "3", "1102"),
        ("阳光花园8-1102", "8", None, "1102"),
        ("阳光花园8#1102", "8", None, "1102"),
        ("阳光花园8栋1102号", "8", None, "1102"),
        ("阳光花园8栋1102房", "8", None, "1102"),
        ("阳光花园三栋一单元1102", "3", "1", "1102"),
        ("阳光花园B座1102", "b", None, "1102"),
        ("阳光花园b栋2单元0801", "b", "2", "801"),
        ("阳光花园8栋3门1102", "8", "3", "1102"),  # Beijing's 门 for a unit
        ("阳光花园8栋3单元11层1102", "8", "3", "1102"),  # a floor is not compared
        ("阳光花园二期8栋1102", "8", None, "1102"),  # nor a phase
        ("阳光花园8栋3单元1102室王先生家", "8", "3", "1102"),  # words after the flat
        ("阳光花园8栋", "8", None, None),
        ("阳光花园", None, None, None),
    ],
)
def test_parse_flat(text: str, building: str | None, unit: str | None, room: str | None) -> None:
    parsed = parse_address(text)
    assert (parsed.compound, parsed.building, parsed.unit, parsed.room) == ("阳光花园", building, unit, room)


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("阳光花园小区8栋1102", "阳光花园"),  # 小区 after another suffix is dropped
        ("阳光小区8栋1102", "阳光小区"),
        ("万科城市花园8栋1102", "万科城市花园"),  # no 市 inside a compound's name
        ("朝阳区建国路万科天悦8栋1102", "万科天悦"),  # no suffix: what is left is the compound
        ("阳光花园建国路88号8栋1102", "阳光花园"),  # compound before the road
        ("翠苑一区3栋201", "翠苑"),
        ("南湖家园8栋1102", "南湖家园"),
    ],
)
def test_parse_compound(text: str, compound: str) -> None:
    assert parse_address(text).compound == compound


@pytest.mark.parametrize(
    ("text", "road", "number"),
    [
        ("建国路88号", "建国路", "88"),
        ("建国路88-1号阳光花园", "建国路", "88-1"),
        ("人民大道100号", "人民大道", "100"),
        ("王府井大街1号", "王府井大街", "1"),
        ("南锣鼓巷8号", "南锣鼓巷", "8"),
        ("上海市长乐路88弄3号1102室", "长乐路", "88弄"),
        ("建外街道建国路88号阳光花园", "建国路", "88"),  # the subdistrict is no road
        ("建国路8号楼1102", "建国路", None),  # 8号楼 is a building
        ("朝阳区 建国路 88号 阳光花园 8号楼", "建国路", "88"),  # spaces between the parts
        ("成都市武侯区人民南路四段1号1栋1单元101", "人民南路4段", "1"),  # a section is part of the road
        ("Jianguo Lu 88 Hao, Yangguang Huayuan", "jianguo路", "88"),
    ],
)
def test_parse_road(text: str, road: str, number: str | None) -> None:
    parsed = parse_address(text)
    assert (parsed.road, parsed.number) == (road, number)


ENGLISH = "Room 1102, Unit 3, Building 8, Sunshine Garden, 88 Jianguo Road, Chaoyang District, Beijing"


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        ("Jianguo Lu 88 Hao, Yangguang Huayuan 8 Dong 3 Danyuan 1102 Shi", "8", "3", "1102"),  # pinyin words
        ("Unit 1102, 8 Jianguo Road", None, None, "1102"),  # English "unit" for the flat
        ("Apt #1102, Bldg A, Sunshine Gardens", "a", None, "1102"),
        ("No.8 Building, Unit 3, Room 1102, Yangguang Xiaoqu", "8", "3", "1102"),
        ("Building 8 Room 1102 Yangguang Huayuan", "8", None, "1102"),
    ],
)
def test_parse_english_flat(text: str, building: str | None, unit: str | None, room: str | None) -> None:
    parsed = parse_address(text)
    assert (parsed.building, parsed.unit, parsed.room) == (building, unit, room)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ENGLISH,
            Address(None, "beijing市", "chaoyang区", "jianguo路", "88", "sunshine花园", "8", "3", "1102"),
        ),
        (
            "Rm 1102, Bldg 8, Yangguang Huayuan, Jianguo Lu 88, Chaoyang Qu, Beijing Shi",
            Address(None, "beijing市", "chaoyang区", "jianguo路", "88", "yangguang花园", "8", None, "1102"),
        ),
        (
            "Apt 1102, Unit 3, Bldg 8, No. 88 Jianguo Rd, Chaoyang, Beijing, China 100022",
            Address(None, "beijing市", "chaoyang区", "jianguo路", "88", None, "8", "3", "1102"),
        ),
        (
            "Flat 501, Block B, Haijing Court, Nanshan District, Shenzhen, Guangdong",
            Address("guangdong省", "shenzhen市", "nanshan区", None, None, "haijing苑", "b", None, "501"),
        ),
        (
            "8-3-1102 Yangguang Huayuan, Jianguo Street 88",
            Address(None, None, None, "jianguo街", "88", "yangguang花园", "8", "3", "1102"),
        ),
    ],
)
def test_parse_english(text: str, expected: Address) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (FULL, FULL),
        (FULL, "朝阳区建国路88号阳光花园8-3-1102"),  # city missing, shorthand
        (FULL, "阳光花园8栋3单元1102"),  # only the compound
        (FULL, "建国路88号8栋3单元1102室"),  # only the road and number
        (FULL, "北京市朝陽區建國路88號陽光花園8棟3單元1102室"),  # traditional
        (FULL, "北京市朝阳区建国路８８号阳光花园８栋３单元１１０２室"),  # full-width
        (FULL, "阳光花园小区八栋三单元一一零二"),
        (FULL, "阳光花园8#3单元1102"),
        (FULL, "阳光花园8栋1102"),  # unit missing on one side, building and room agree
        (FULL, "8栋3单元1102室，阳光花园，建国路88号，朝阳区"),  # parts in another order
        (FULL, ENGLISH),  # English compound name: the road and number decide
        (FULL, "Rm 1102, Bldg 8, Yangguang Huayuan, Jianguo Lu 88, Chaoyang Qu, Beijing"),
        (FULL, "Room 1102, Unit 3, Building 8, Yangguang Huayuan, Beijing"),
        (FULL, "北京市朝阳区阳光华园8栋3单元1102"),  # a homophone typo
        ("翡翠明珠花园8栋1102", "翡翠明玉花园8栋1102"),  # one character off in a long name
        (FULL, "北京朝阳阳光花园8栋3单元1102"),
        ("广东省深圳市南山区海景苑A座1201", "深圳南山区海景苑a座1201室"),
        ("海景苑2栋1201", "Haijing Yuan Bldg 2 Rm 1201"),
        ("上海市长乐路88弄3号1102室", "长乐路88弄3号1102"),
    ],
)
def test_same_flat(a: str, b: str) -> None:
    pa, pb = parse_address(a), parse_address(b)
    assert same_flat(pa, pb) and same_flat(pb, pa)
    assert same_place(pa, pb)


def test_the_last_bare_number_is_the_room() -> None:
    assert parse_address("北京市朝阳区望京SOHO T1 1102").room == "1102"


def test_same_flat_written_alike_shares_a_flat_key() -> None:
    for text in (FULL, "阳光花园8-3-1102", "陽光花園八棟1102", "Rm 1102, Bldg 8, Yangguang Huayuan"):
        assert "c:yangguang/8/1102" in parse_address(text).flat_keys(), text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (FULL, "北京市朝阳区建国路88号阳光花园8栋3单元1101室"),  # next door
        (FULL, "北京市朝阳区建国路88号阳光花园8栋2单元1102室"),  # same room number, other unit
        (FULL, "北京市朝阳区建国路88号阳光花园9栋3单元1102室"),  # other building
        (FULL, "上海市浦东新区建国路88号阳光花园8栋3单元1102室"),  # another city
        (FULL, "北京市海淀区阳光花园8栋3单元1102室"),  # another district
        (FULL, "长春市朝阳区阳光花园8栋3单元1102室"),  # another 朝阳区
        (FULL, "北京市朝阳区阳光家园8栋3单元1102室"),  # another compound (家园 is not 花园)
        (FULL, "北京市朝阳区金色花园8栋3单元1102室"),
        (FULL, "北京市朝阳区建国路99号8栋3单元1102室"),  # another number on the road
        (FULL, "北京市朝阳区建设路88号8栋3单元1102室"),  # another road
        (FULL, "北京市朝阳区阳光花园8栋"),  # no room
        (FULL, "阳光花园1102"),  # no building on one side
        (FULL, "Room 1102, Unit 3, Building 8, Sunshine Garden, Beijing"),  # English name, nothing else
        ("阳光花园8-1102", "阳光花园8-1103"),
        ("锦绣园8栋1102", "锦华园8栋1102"),  # two-character names one apart: sibling neighbourhoods
        ("建国路88号1102", "建国路89号1102"),
    ],
)
def test_not_same_flat(a: str, b: str) -> None:
    pa, pb = parse_address(a), parse_address(b)
    assert not same_flat(pa, pb) and not same_flat(pb, pa)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (FULL, "阳光花园9栋", True),
        (FULL, "阳光小区", True),  # 小区 is generic
        (FULL, "北京市朝阳区建国路88号", True),
        (FULL, "Yangguang Huayuan, Chaoyang District", True),
        (FULL, "上海市阳光花园", False),
        (FULL, "北京市朝阳区阳光家园", False),
        (FULL, "北京市朝阳区建设路阳光花园", False),  # one name, another road: two compounds
        (FULL, "北京市朝阳区", False),  # nothing to compare
        ("建国路88号", "建国路88号院", True),
        ("阳光花园", "Sunshine Garden", False),  # cannot be told from English
    ],
)
def test_same_place(a: str, b: str, expected: bool) -> None:
    pa, pb = parse_address(a), parse_address(b)
    assert same_place(pa, pb) is expected and same_place(pb, pa) is expected


@pytest.mark.parametrize(
    ("text", "place", "flat"),
    [
        (FULL, "c:yangguang", "c:yangguang/8/1102"),
        ("阳光小区8-1102", "c:yangguang", "c:yangguang/8/1102"),
        ("建国路88号8栋1102", "r:jianguolu88", "r:jianguolu88/8/1102"),
        ("Jianguo Road 88, Bldg 8, Rm 1102", "r:jianguolu88", "r:jianguolu88/8/1102"),
        ("阳光花园8栋", "c:yangguang", None),
        ("北京市朝阳区", None, None),
    ],
)
def test_keys(text: str, place: str | None, flat: str | None) -> None:
    parsed = parse_address(text)
    assert parsed.place_keys()[:1] == ((place,) if place else ())
    assert parsed.flat_keys()[:1] == ((flat,) if flat else ())


def test_place_keys_has_both_identities() -> None:
    assert parse_address(FULL).place_keys() == ("c:yangguang", "r:jianguolu88")


def test_parse_is_fast() -> None:
    texts = [f"北京市朝阳区建国路{n}号阳光花园{n % 20}栋{n % 5}单元{n}室" for n in range(2000)]
    texts += [f"Room {n}, Unit 3, Building 8, Sunshine Garden, {n} Jianguo Road, Beijing" for n in range(500)]
    parse_address.cache_clear()
    seconds = timeit.timeit(lambda: [parse_address(t) for t in texts], number=1)
    assert seconds / len(texts) < 0.002  # generous on a shared machine; typically well under 0.3 ms


# --- forms the labelled set taught: each with other names and places ---------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The compound is the last name before the flat: a street area, a landmark or the estate
        # around it may come first, apart or glued on.
        ("杭州市西湖区 文三路 学院 锦绣家园 3栋 501", "杭州市西湖区学院锦绣家园3栋501"),
        ("广州市天河区 珠江新城 海棠苑 5座 302", "广州市天河区珠江新城海棠苑5座302"),
        ("佛山市禅城区 金沙新村 海棠苑 5座 302", "佛山市禅城区金沙新村海棠苑5座302"),
        ("武汉市洪山区 光谷 银湖花园 公寓 7栋 1102", "武汉市洪山区银湖花园7栋1102"),  # 公寓 after it
        ("合肥市蜀山区 天鹅湖畔 花园 2栋 801", "合肥市蜀山区天鹅湖畔2栋801"),  # suffix typed apart
        # Areas written without 省/市/区 before the compound or the road.
        ("南京市鼓楼区 金陵花园 2栋 301", "南京鼓楼金陵花园2栋301"),
        ("湖北省宜昌市西陵区 夷陵大道 桃花苑 4栋 702", "宜昌西陵桃花苑4栋702"),
        ("大连市沙河口区 西南路 海景大厦 A座 1501", "大连沙河口西南路海景大厦A1501"),
        ("石家庄市长安区 华府花园 1栋 101", "石市长安区华府花园1栋101"),  # 石市: the first character
        # A name abbreviated character by character.
        ("兰州市城关区 兰州理工大学家属院 3号楼 402", "兰州市城关区兰理工家属院3号楼402"),
        # 号 for 号楼 before the room; the building letter run into the room.
        ("重庆市渝北区 龙湖花园 12号 301室", "重庆市渝北区龙湖花园12幢301"),
        # Phases in roman numerals, Chinese numerals, parts in sequence.
        ("温州市鹿城区绿城桂花园III期6栋801", "温州市鹿城区绿城桂花园三期6栋801"),
        ("贵阳市云岩区金阳花园C区2组团5栋201", "贵阳市云岩区金阳花园C2组团5栋201"),
        # A district by the name it had before it was merged.
        ("南京市秦淮区 中山南路 金鹰花园 5栋 302", "南京市白下区中山南路金鹰花园5栋302"),
        # A named compound, then the name of a part of it, apart or run together.
        ("南宁市青秀区 万科城 翡翠 3栋 502", "南宁市青秀区万科城翡翠3栋502"),
        # English: a lettered part is no district.
        (
            "武汉市洪山区 光谷广场 B区 2栋 801",
            "Wuhan Hongshan District, Guanggu Plaza Zone B, Bldg 2, Rm 801",
        ),
        # District then a compound whose name starts like a compound suffix (新城…).
        ("长沙市岳麓区 新城国际 3栋 1801", "长沙市岳麓区新城国际3栋1801"),
        # 乡 + 街道; no city after a district (国际都市 is a compound).
        ("深圳市龙华区 民乡街道 翠湖花园 2栋 603", "深圳市龙华区翠湖花园2栋603"),
        ("哈尔滨市南岗区 学府路 国际都市花园 8栋 1202", "哈尔滨市南岗区国际都市花园8栋1202"),
        # English: Lane N is a Shanghai 弄, Zone/Group N a part of the compound.
        ("上海市徐汇区宛平路300弄6号502室", "Rm 502, No.6, Lane 300, Wanping Rd, Xuhui District, Shanghai"),
        (
            "昆明市五华区 春城花园 B2区 3栋 1102",
            "Kunming Wuhua District, Chuncheng Garden B2 Zone, Building 3 Room 1102",
        ),
    ],
)
def test_same_flat_in_more_forms(a: str, b: str) -> None:
    pa, pb = parse_address(a), parse_address(b)
    assert same_flat(pa, pb) and same_flat(pb, pa)
    assert set(pa.flat_keys()) & set(pb.flat_keys())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("金色家园一期3栋501", "金色家园二期3栋501"),  # phases number their buildings alike
        ("南京市秦淮区金鹰花园5栋302", "南京市鼓楼区金鹰花园5栋302"),  # 白下 became 秦淮, not 鼓楼
        ("万科城A区2栋301", "万科城B区2栋301"),
        ("龙湖花园3组团5栋201", "龙湖花园4组团5栋201"),
        ("望湖家园东园3幢101", "望湖家园西园3幢101"),  # parts by direction
        ("锦华苑 东区 2栋 301", "锦华苑西区2栋301"),
        ("金沙新村海棠苑5座302", "金沙新村玉兰苑5座302"),  # two compounds of one estate
        ("郑州市二七区幸福家园9栋402", "郑州市金水区幸福家园9栋402"),  # 二七区 is a district
    ],
)
def test_neighbours_in_other_parts(a: str, b: str) -> None:
    pa, pb = parse_address(a), parse_address(b)
    assert not same_flat(pa, pb) and not same_flat(pb, pa)


@pytest.mark.parametrize(
    ("text", "part", "value"),
    [
        ("郑州市二七区幸福家园9栋402", "district", "二七区"),
        ("北京市海淀区芳华园三区5号楼1门1003", "phase", "3"),
        ("温州市绿城桂花园Ⅱ期6栋801", "phase", "2"),
        ("深圳市福田区海景花园C5座1502", "building", "c5"),
        ("海景大厦B1202", "room", "1202"),
        ("杭州市滨江区 江南 金色海岸 11号 1201室", "building", "11"),
        ("北京市东城区 东直门 华夏家园 南园 2号楼 301", "phase", "南"),
    ],
)
def test_parts(text: str, part: str, value: str) -> None:
    assert getattr(parse_address(text), part) == value


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("北京市朝阳区建国路88号阳光花园8栋1102", "c:yangguang/8/1102"),
        ("北京朝阳阳光花园8栋1102", "c:yangguang/8/1102"),  # areas glued on: the name's end
        ("华侨城 天鹅花园 2栋 501", "c:tiane/2/501"),
        ("Tian'e Garden, Bldg 2, Rm 501", "c:tiane/2/501"),
    ],
)
def test_flat_key_is_the_end_of_the_compound_name(text: str, key: str) -> None:
    assert key in parse_address(text).flat_keys()


def test_flat_key_reads_each_character_alone() -> None:
    # pypinyin reads a polyphonic character by its neighbours; the key must not depend on them.
    with_city, without = parse_address("西安长乐花园2栋301"), parse_address("长乐花园2栋301")
    assert set(with_city.flat_keys()) & set(without.flat_keys())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("成都市武侯区 锦江明珠苑 6栋 1201", "成都市武侯区锦江明6栋1201"),
        ("苏州市吴中区 太湖雅园 2幢 302", "苏州市吴中区太湖雅2幢302"),
    ],
)
def test_a_name_cut_short_is_the_same_flat_and_shares_a_place_key(a: str, b: str) -> None:
    # The flat keys differ (they hold the end of the name); the start of the name meets.
    pa, pb = parse_address(a), parse_address(b)
    assert same_flat(pa, pb) and same_flat(pb, pa)
    assert set(pa.place_keys()) & set(pb.place_keys())
