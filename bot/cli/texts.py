"""What the command line says when something cannot be done: a sentence with the fix, in the
configured language (LEADBOT_DEFAULT_LANGUAGE). Commands and options are written as <code>…</code>;
bot.cli.common prints them between backticks. Gathered by bot.i18n.catalog."""

from __future__ import annotations

CLI_TEXTS: dict[str, dict[str, str]] = {
    # --- typing mistakes ------------------------------------------------------------------------
    "cli_usage": {
        "zh": "{problem}。请查看 <code>{command} --help</code>",
        "en": "{problem} — see <code>{command} --help</code>",
    },
    "cli_bad_time": {
        "zh": "<code>{option}</code>：{value} 不是时间，请写成 2026-11-27T14:30+08:00 这样",
        "en": "<code>{option}</code>: {value} is not a time; write it like 2026-11-27T14:30+08:00",
    },
    "cli_bad_date": {
        "zh": "<code>{option}</code>：{value} 不是日期，请写成 2026-11-27 这样",
        "en": "<code>{option}</code>: {value} is not a date; write it like 2026-11-27",
    },
    "cli_out_of_reach": {
        "zh": "<code>{option}</code>：{value} 离现在超过 {years} 年，请检查年份",
        "en": "<code>{option}</code>: {value} is more than {years} years from now; check the year",
    },
    "cli_not_come_yet": {
        "zh": "<code>{option}</code>：{value} 还没到",
        "en": "<code>{option}</code>: {value} has not come yet",
    },
    "cli_has_passed": {
        "zh": "<code>{option}</code>：{value} 已经过去了；下次联系要定在以后",
        "en": "<code>{option}</code>: {value} has passed; the next contact is planned ahead",
    },
    "cli_bad_id": {
        "zh": "<code>{option}</code>：{value} 不是编号（编号是正整数）",
        "en": "<code>{option}</code>: {value} is not an id (a positive whole number)",
    },
    "cli_bad_amount": {
        "zh": "<code>--amount</code>：{value} 不是金额（元），请写成 12800 或 3500.50 这样",
        "en": "<code>--amount</code>: {value} is not an amount in yuan; write it like 12800 or 3500.50",
    },
    "cli_amount_too_large": {
        "zh": "<code>--amount</code>：{value} 太大了，最多 ¥{max}",
        "en": "<code>--amount</code>: {value} is too large; at most ¥{max}",
    },
    # --- unknown names and ids ------------------------------------------------------------------
    "cli_no_such_team": {
        "zh": "没有名为「{team}」的团队，请查看 <code>leadbot team list</code>",
        "en": "there is no team named {team} — see <code>leadbot team list</code>",
    },
    "cli_no_such_staff": {
        "zh": "名单上没有电报编号为 {telegram_id} 的人，请查看 <code>leadbot staff list</code>",
        "en": "nobody on the roster has Telegram id {telegram_id} — see <code>leadbot staff list</code>",
    },
    "cli_no_such_registration": {
        "zh": "没有编号为 {registration_id} 的报备，请查看 <code>leadbot registrations</code>",
        "en": "there is no registration {registration_id} — see <code>leadbot registrations</code>",
    },
    # --- the roster -----------------------------------------------------------------------------
    "cli_team_exists": {
        "zh": "团队「{team}」已经存在，请查看 <code>leadbot team list</code>",
        "en": "team {team} already exists — see <code>leadbot team list</code>",
    },
    "cli_no_role": {
        "zh": "至少要给一个角色，例如 <code>--role guide</code>",
        "en": "give at least one role, e.g. <code>--role guide</code>",
    },
    "cli_team_required": {
        "zh": "{role}属于某个团队，请加上 <code>--team</code>（见 <code>leadbot team list</code>）",
        "en": "a {role} belongs to a team: add <code>--team</code> (see <code>leadbot team list</code>)",
    },
    "cli_wrong_channel": {
        "zh": "{role}要在{channel}团队，「{team}」不是；请换一个团队（见 <code>leadbot team list</code>）",
        "en": "a {role} works in a {channel} team and {team} is not one; "
        "pick another (see <code>leadbot team list</code>)",
    },
    "cli_channel_store": {"zh": "门店", "en": "store"},
    "cli_channel_field": {"zh": "业务部", "en": "field"},
    "cli_staff_updated": {
        "zh": "电报编号 {telegram_id} 已在名单上，已更新为：{name}",
        "en": "Telegram id {telegram_id} was on the roster already; updated: {name}",
    },
    # --- follow-ups -----------------------------------------------------------------------------
    "cli_refused": {
        "zh": "报备 {registration_id} 未记录：{why}",
        "en": "registration {registration_id}: not recorded. {why}",
    },
    "cli_rejected": {"zh": "未通过：{why}", "en": "rejected: {why}"},
    "cli_registration_is": {"zh": "（该报备{state}）", "en": " (the registration is {state})"},
    # --- settings and files ---------------------------------------------------------------------
    "cli_token_missing": {
        "zh": "没有设置 <code>LEADBOT_TELEGRAM_TOKEN</code>：请填入 <code>@BotFather</code> 给你的令牌",
        "en": "<code>LEADBOT_TELEGRAM_TOKEN</code> is not set: set it to the token @BotFather gave you",
    },
    "cli_token_to_send": {
        "zh": "没有设置 <code>LEADBOT_TELEGRAM_TOKEN</code>，无法发送；"
        "请设置令牌，或加上 <code>--dry-run</code>",
        "en": "<code>LEADBOT_TELEGRAM_TOKEN</code> is not set, so nothing can be sent: set it, "
        "or add <code>--dry-run</code>",
    },
    "cli_webhook_url_missing": {
        "zh": "<code>--webhook</code> 需要 <code>LEADBOT_WEBHOOK_URL</code>：电报推送更新的公网网址",
        "en": "<code>--webhook</code> needs <code>LEADBOT_WEBHOOK_URL</code>: "
        "the public HTTPS URL Telegram posts to",
    },
    "cli_webhook_secret_missing": {
        "zh": "<code>--webhook</code> 需要 <code>LEADBOT_WEBHOOK_SECRET</code>："
        "1 到 256 个字母、数字、_ 或 -",
        "en": "<code>--webhook</code> needs <code>LEADBOT_WEBHOOK_SECRET</code>: 1 to 256 of A-Z a-z 0-9 _ -",
    },
    "cli_no_folder": {
        "zh": "<code>--out</code>：文件夹 {folder} 不存在；请先创建，或换一个路径",
        "en": "<code>--out</code>: there is no folder {folder}; create it first or write elsewhere",
    },
    "cli_out_is_folder": {
        "zh": "<code>--out</code>：{path} 是文件夹；请给出文件名，例如 <code>{path}/跟踪表.xlsx</code>",
        "en": "<code>--out</code>: {path} is a folder; give a file name, e.g. {path}/tracking.xlsx",
    },
    "cli_bad_format": {
        "zh": "<code>--out</code>：{path} 的格式无法写出；请以 <code>.xlsx</code> 或 <code>.csv</code> 结尾",
        "en": "<code>--out</code>: cannot write {path}; end the name in .xlsx or .csv",
    },
    "cli_progress_export": {"zh": "正在生成跟踪表", "en": "Writing the tracking sheet"},
    "cli_progress_sweep": {"zh": "正在发送提醒", "en": "Sending reminders"},
    "cli_cannot_write": {
        "zh": "<code>--out</code>：无法写入 {path}（{why}）",
        "en": "<code>--out</code>: cannot write {path} ({why})",
    },
}
