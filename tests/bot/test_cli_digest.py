"""`leadbot digest` and `leadbot export`: the daily summary on the terminal and the tracking workbook."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from typer.testing import CliRunner

import bot.cli.common as cli_module
from bot.cli import app
from domain.filing import Accepted, FilingRequest, Rejected, file_registration
from domain.rules import Rules
from storage.tables import TeamRow
from tests.conftest import T0, make_roster

runner = CliRunner()
H = timedelta(hours=1)
D = timedelta(days=1)
ADDRESS = "北京市朝阳区建国路88号3栋1201"
EVENING = T0 + 10 * H + timedelta(minutes=30)  # 20:30 on Tuesday 10 Nov in Shanghai


@pytest.fixture
def world(engine, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """朝阳店: 王芳 filed 张三 yesterday and 李四 today; 刘洋 tried to file 张三 today."""
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setattr(cli_module, "utc_now", lambda: EVENING)
    roster = make_roster(engine)

    def file(tid: int, name: str, phone: str, at):
        return file_registration(roster.writer, FilingRequest(tid, name, phone, ADDRESS), at, Rules())

    assert isinstance(file(101, "张三", "13800138000", T0 - D), Accepted)
    assert isinstance(file(101, "李四", "13900139000", T0 + H), Accepted)
    assert isinstance(file(102, "张三", "13800138000", T0 + 2 * H), Rejected)
    return roster, tmp_path


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    for phone in ("13800138000", "13900139000"):
        assert phone not in result.output  # the terminal never gets a full phone
    return result


def test_digest_prints_todays_summary_as_plain_text(world) -> None:
    result = invoke("digest", "--team", "朝阳店", "--dry-run")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<b>" not in text and "&lt;" not in text
    assert "朝阳店 · 每日汇总" in text and "截至 11月10日（周二）20:30，在跟客户 2 位" in text
    assert "今日新报备（1）" in text and "王芳：李四 139****9000，11月10日（周二）11:00" in text
    assert "11月10日（周二）12:00 刘洋 报备的客户 张* 已由 王芳 报备在先" in text


def test_digest_of_a_past_day_as_it_ended(world) -> None:
    result = invoke("digest", "--team", "朝阳店", "--date", "2026-11-09")
    assert result.exit_code == 0, result.output
    assert "截至 11月9日（周一）23:59，在跟客户 1 位" in result.stdout
    assert "王芳：张三 138****8000，11月9日（周一）10:00" in result.stdout
    assert "撞单被拒" not in result.stdout


def test_digest_with_out_also_writes_the_workbook(world) -> None:
    _, tmp_path = world
    result = invoke("digest", "--team", "朝阳店", "--out", str(tmp_path / "sheet.xlsx"), "--dry-run")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "sheet.xlsx").active
    assert [sheet.cell(r, 2).value for r in (3, 4)] == ["张三", "李四"]


def test_posting_todays_digest_needs_the_token(world, monkeypatch) -> None:
    monkeypatch.delenv("LEADBOT_TELEGRAM_TOKEN", raising=False)
    result = invoke("digest", "--team", "朝阳店")
    assert result.exit_code == 2 and "LEADBOT_TELEGRAM_TOKEN" in result.output


def test_export_writes_the_teams_tracking_sheet_with_full_details(world) -> None:
    _, tmp_path = world
    out = tmp_path / "朝阳店.xlsx"
    result = invoke("export", "--team", "朝阳店", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2 open registrations of 朝阳店" in result.stdout
    sheet = load_workbook(BytesIO(out.read_bytes())).active
    assert sheet.title == "意向客户跟踪表" and sheet["B2"].value == "客户姓名"
    assert [[sheet.cell(r, c).value for c in (1, 2, 3, 4, 7, 10)] for r in (3, 4)] == [
        [1, "张三", "138 0013 8000", ADDRESS, "王芳", "跟进中"],
        [2, "李四", "139 0013 9000", ADDRESS, "王芳", "跟进中"],
    ]


def test_export_at_an_instant_in_the_teams_language(world) -> None:
    roster, tmp_path = world
    with roster.engine.begin() as conn:
        conn.execute(sa.update(TeamRow).where(TeamRow.id == roster.store.id).values(language="en"))
    out = tmp_path / "later.xlsx"
    result = invoke("export", "--team", "朝阳店", "--out", str(out), "--at", "2026-11-14T10:00+08:00")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet.title == "Intent customers" and sheet["B2"].value == "Customer"
    assert [sheet.cell(r, 10).value for r in (3, 4)] == ["follow-up due", "follow-up due"]


def test_unknown_team_is_refused_and_bad_dates_are_bad_usage(world) -> None:
    _, tmp_path = world
    for args in (
        ("digest", "--team", "无此店"),
        ("export", "--team", "无此店", "--out", str(tmp_path / "x.xlsx")),
    ):
        result = invoke(*args)
        # The configured language (zh by default): the name, and where the teams are listed.
        assert (
            result.exit_code == 2
            and result.stderr == "没有名为「无此店」的团队，请查看 `leadbot team list`\n"
        )
    assert not (tmp_path / "x.xlsx").exists()
    assert invoke("digest", "--team", "朝阳店", "--date", "11/09/2026").exit_code == 2
    assert invoke("digest", "--team", "朝阳店", "--date", "2026-02-30").exit_code == 2
    assert invoke("digest", "--team", "朝阳店", "--date", "2026-11-11").exit_code == 2  # tomorrow
    assert (
        invoke("export", "--team", "朝阳店", "--out", str(tmp_path / "y.xlsx"), "--at", "soon").exit_code == 2
    )
    assert invoke("export", "--team", "朝阳店").exit_code == 2  # --out is required


# --- issue 13: --out -------------------------------------------------------------------------------


def test_export_to_csv_writes_the_same_rows_as_text(world) -> None:
    _, tmp_path = world
    assert invoke("export", "--team", "朝阳店", "--out", str(tmp_path / "t.xlsx")).exit_code == 0
    result = invoke("export", "--team", "朝阳店", "--out", str(tmp_path / "t.csv"))
    assert result.exit_code == 0, result.output
    data = (tmp_path / "t.csv").read_bytes()
    assert not data.startswith(b"PK")  # not a zip (an xlsx) under a .csv name
    assert data.startswith("\ufeff".encode())  # a spreadsheet opens the Chinese right
    import csv

    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    sheet = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    expected = [
        [
            "" if v is None else (v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") else str(v))
            for v in row
        ]
        for row in sheet.iter_rows(min_row=2, values_only=True)  # below the title row
    ]
    assert rows == expected and len(rows) >= 3
    assert rows[0][0] == "序号"  # the table's header first, no title line
    assert any("138 0013 8000" in cell for row in rows for cell in row)  # full details, as in the xlsx


def test_csv_keeps_a_formula_looking_name_as_text() -> None:
    from openpyxl import Workbook

    from bot.cli.files import workbook_as_csv

    book = Workbook()
    book.active.append(["《意向客户跟踪表》"])  # the title row, left out of the CSV
    book.active.append(['=HYPERLINK("http://x","click")', "张三", None, 5])
    out = BytesIO()
    book.save(out)
    assert (
        workbook_as_csv(out.getvalue()).decode("utf-8-sig").strip()
        == '"\'=HYPERLINK(""http://x"",""click"")",张三,,5'
    )


@pytest.mark.parametrize("command", ["export", "digest"])
def test_out_in_a_missing_folder_or_of_another_kind_is_one_line_and_exit_2(world, command: str) -> None:
    _, tmp_path = world
    base = [command, "--team", "朝阳店"] + (["--dry-run"] if command == "digest" else [])
    missing = invoke(*base, "--out", str(tmp_path / "nowhere" / "t.xlsx"))
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.strip() == f"`--out`：文件夹 {tmp_path / 'nowhere'} 不存在；请先创建，或换一个路径"
    for out, says in (("t.txt", "请以 `.xlsx` 或 `.csv` 结尾"), (".", "是文件夹")):
        result = invoke(*base, "--out", str(tmp_path / out))
        assert result.exit_code == 2 and says in result.stderr and len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.output
    assert not (tmp_path / "t.txt").exists()


def test_out_errors_in_english_when_so_configured(world, monkeypatch: pytest.MonkeyPatch) -> None:
    _, tmp_path = world
    monkeypatch.setenv("LEADBOT_DEFAULT_LANGUAGE", "en")
    result = invoke("export", "--team", "朝阳店", "--out", str(tmp_path / "no" / "t.csv"))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"`--out`: there is no folder {tmp_path / 'no'}; create it first or write elsewhere\n"
    )
