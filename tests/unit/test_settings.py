"""Settings: every rule number from the environment, one clear line for a wrong value."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    for name in list(__import__("os").environ):
        if name.startswith("LEADBOT_"):
            monkeypatch.delenv(name)


def test_defaults_are_the_rules_numbers() -> None:
    settings = load_settings()
    rules = settings.rules
    assert settings.database_url == "sqlite:///leadbot.db"
    assert (rules.filing_window_hours, rules.resale_window_days, rules.field_monthly_quota) == (24, 365, 20)
    assert (rules.follow_up_every_days, rules.lapse_after_days, rules.field_expiry_days) == (3, 10, 15)
    assert (rules.min_address_chars, rules.timezone, rules.phone_region) == (8, "Asia/Shanghai", "CN")
    assert settings.telegram_base_url == "https://api.telegram.org/bot"


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / ".env").write_text("LEADBOT_FIELD_MONTHLY_QUOTA=25\nLEADBOT_ADMIN_IDS=1, 2;3\n")
    monkeypatch.setenv("LEADBOT_TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = load_settings()
    assert settings.rules.field_monthly_quota == 25
    assert settings.admin_ids == [1, 2, 3]
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LEADBOT_FIELD_MONTHLY_QUOTA", "twenty"),
        ("LEADBOT_FIELD_MONTHLY_QUOTA", "-1"),
        ("LEADBOT_TIMEZONE", "Mars/Olympus"),
        ("LEADBOT_DEFAULT_LANGUAGE", "fr"),
        ("LEADBOT_ADMIN_IDS", "12,abc"),
        ("LEADBOT_PHONE_REGION", "XX"),
        ("LEADBOT_REFILE_COOLDOWN_DAYS", "-3"),
    ],
)
def test_a_malformed_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(name + ":") and "\n" not in message


def test_length_caps_are_settings_that_reach_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10 item 5: every free-text cap is a setting; none can exceed what a message holds."""
    caps = ("NAME", "ADDRESS", "NEEDS", "NOTE", "REASON", "TEAM_NAME", "STAFF_NAME")
    for number, cap in enumerate(caps):
        monkeypatch.setenv(f"LEADBOT_MAX_{cap}_CHARS", str(30 + number))
    rules = load_settings().rules
    assert [getattr(rules, f"max_{cap.lower()}_chars") for cap in caps] == list(range(30, 30 + len(caps)))
    monkeypatch.setenv("LEADBOT_MAX_REASON_CHARS", "5000")
    with pytest.raises(SettingsError, match="LEADBOT_MAX_REASON_CHARS"):
        load_settings()


def test_after_sale_numbers_default_to_the_rules_and_reach_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """RULES §7: 3 working days, every 30 days, for 12 months; problems 3, needs 2 working days."""
    rules = load_settings().rules
    assert (
        rules.aftersale_first_contact_workdays,
        rules.aftersale_contact_every_days,
        rules.aftersale_months,
        rules.problem_solve_workdays,
        rules.need_meet_workdays,
    ) == (3, 30, 12, 3, 2)
    monkeypatch.setenv("LEADBOT_AFTERSALE_MONTHS", "6")
    monkeypatch.setenv("LEADBOT_NEED_MEET_WORKDAYS", "1")
    rules = load_settings().rules
    assert (rules.aftersale_months, rules.need_meet_workdays) == (6, 1)
    monkeypatch.setenv("LEADBOT_PROBLEM_SOLVE_WORKDAYS", "0")
    with pytest.raises(SettingsError, match="^LEADBOT_PROBLEM_SOLVE_WORKDAYS:"):
        load_settings()
