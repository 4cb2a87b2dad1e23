"""What every conversation shares: access, menus and commands, help, the error apology.
Gathered by bot.i18n.catalog."""

from __future__ import annotations

COMMON_TEXTS: dict[str, dict[str, str]] = {
    # --- access ---------------------------------------------------------------------------
    "stranger": {
        "zh": "你好！这个机器人只供本公司销售人员使用。如需开通，请向你的店长或主管索取邀请链接。",
        "en": (
            "Hello! This bot is for our sales staff only. To get access, ask your store manager or "
            "supervisor for an invitation link."
        ),
    },
    # issue 13: what a stranger gives the admin to be enrolled (no English word in Chinese: 数字编号)
    "stranger_your_id": {
        "zh": "你的数字编号是 <code>{telegram_id}</code>，把它发给管理员，管理员就能为你开通。",
        "en": "Your numeric Telegram id is <code>{telegram_id}</code>: give it to the admin to be let in.",
    },
    "invite_invalid": {
        "zh": "这个邀请链接无效、已被使用或已过期。请向管理员索取新的邀请链接。",
        "en": "This invitation link is invalid, already used or expired. Please ask an admin for a new one.",
    },
    "invite_welcome": {
        "zh": "欢迎加入，{name}！你的身份：{role}{team}。",
        "en": "Welcome aboard, {name}! Your role: {role}{team}.",
    },
    "welcome": {
        "zh": "{name}，你好！",
        "en": "Hello, {name}!",
    },
    "menu_none": {
        "zh": "你目前没有可用的报备功能（未分配导购/业务员角色或团队）。如有疑问请联系管理员。",
        "en": "You have no filing role or team yet. Please ask an admin if this is wrong.",
    },
    "cmd_new": {"zh": "报备新客户", "en": "File a new customer"},
    "cmd_mine": {"zh": "我的报备", "en": "My registrations"},
    "cmd_quota": {"zh": "本月报备额度", "en": "This month's quota"},
    "cmd_cancel": {"zh": "取消当前操作", "en": "Cancel what you are doing"},
    "cmd_start": {"zh": "开始 / 帮助", "en": "Start / help"},
    "cmd_invite": {"zh": "邀请同事加入", "en": "Invite a colleague"},
    # --- issue 13: one line under each command in /start and /help: how it is used -------------
    "help_example": {"zh": "<i>例：{example}</i>", "en": "<i>e.g. {example}</i>"},
    "example_new": {
        "zh": "发送 /new，再按提示填写客户姓名、电话和地址",
        "en": "send /new, then answer: the customer's name, phone and address",
    },
    "example_follow": {
        "zh": "打完电话，发送 /follow，选客户，点「📞 电话」，写一句备注",
        "en": "after a call, send /follow, pick the customer, press “📞 Call”, add a note",
    },
    "example_mine": {
        "zh": "发送 /mine，看每位客户的状态和下次跟进期限",
        "en": "send /mine to see each customer's state and next deadline",
    },
    "example_quota": {
        "zh": "发送 /quota，看本月已用和剩余的报备名额",
        "en": "send /quota to see this month's filings used and left",
    },
    "example_extend": {
        "zh": "客户下周才能量尺：发送 /extend，选这位客户，写明理由",
        "en": "the customer can be measured only next week: send /extend, pick them, give the reason",
    },
    "example_history": {
        "zh": "<code>/history 138 0013 8000</code>，查看这位客户的全部记录",
        "en": "<code>/history 138 0013 8000</code> for that customer's whole record",
    },
    "example_export": {
        "zh": "发送 /export，选团队，收到含电话和地址的完整跟踪表",
        "en": "send /export, pick the team, get the full workbook with phones and addresses",
    },
    "example_arbitrate": {
        "zh": "发送 /arbitrate，输入客户电话，把报备或业绩转给另一位同事",
        "en": "send /arbitrate, type the customer's phone, move the registration or credit to a colleague",
    },
    "example_invite": {
        "zh": "发送 /invite，选角色和团队，把收到的链接发给新同事",
        "en": "send /invite, pick the role and team, send the link you get to the new colleague",
    },
    "example_cancel": {
        "zh": "填到一半不想报了：发送 /cancel",
        "en": "halfway through and you want to stop: send /cancel",
    },
    "example_help": {
        "zh": "发送 /help，看你能用的命令",
        "en": "send /help to see the commands you can use",
    },
    "example_start": {
        "zh": "发送 /start，重新看问候和命令列表",
        "en": "send /start to see the greeting and your commands again",
    },
    "example_bindteam": {
        "zh": "在群里发送 /bindteam，选团队，本群每天收到这个团队的日报",
        "en": "in the group, send /bindteam and pick the team: the group gets its daily summary",
    },
    "example_unbindteam": {
        "zh": "在群里发送 /unbindteam，本群不再收到日报",
        "en": "in the group, send /unbindteam to stop the daily summary",
    },
    "private_only": {
        "zh": "请在与我的私聊中使用这个命令，群里不处理客户资料。",
        "en": (
            "Please use this command in a private chat with me; customer details are not handled in groups."
        ),
    },
    # --- issue 10 items 1, 2: group help, the full workbook in private --------------------------
    "help_group": {"zh": "群里可用：", "en": "In groups:"},
    "help_group_private": {
        "zh": "报备、跟进、查询请在与我的私聊中进行；群里不显示客户资料。",
        "en": (
            "Filing, follow-ups and look-ups happen in a private chat with me; no customer details are shown "
            "in groups."
        ),
    },
    "cmd_bindteam": {"zh": "本群接收团队日报", "en": "This group gets the team's daily summary"},
    "cmd_unbindteam": {"zh": "本群不再接收日报", "en": "Stop the daily summary here"},
    "cmd_help": {"zh": "帮助", "en": "Help"},
    "cmd_export": {"zh": "团队跟踪表（完整）", "en": "Team tracking workbook (full)"},
    "workbook_private_button": {"zh": "📥 完整表格发我私聊", "en": "📥 Full workbook in private"},
    "workbook_sent_private": {
        "zh": "完整表格已私聊发给你。",
        "en": "The full workbook is in your private chat.",
    },
    "workbook_not_entitled": {
        "zh": "只有该团队的店长/主管、运营经理和部门负责人可以获取完整表格。",
        "en": "Only the team's managers, ops managers and department heads may have the full workbook.",
    },
    "workbook_open_private_first": {
        "zh": "请先在私聊中给我发送 /start，再点这个按钮。",
        "en": "Please send me /start in a private chat first, then press this button again.",
    },
    "export_pick_team": {"zh": "要哪个团队的跟踪表？", "en": "Which team's workbook?"},
    "export_caption": {
        "zh": "《意向客户跟踪表》{team}（完整版，含电话和地址，请勿转发到群里）",
        "en": "Tracking workbook of {team} (full: phones and addresses; do not forward it to groups)",
    },
    "export_no_teams": {"zh": "没有团队可导出。", "en": "There is no team to export."},
    "not_filer": {
        "zh": "只有导购和业务员可以报备客户。",
        "en": "Only store guides and field salespeople can file customers.",
    },
    "nothing_to_cancel": {"zh": "当前没有进行中的操作。", "en": "There is nothing to cancel."},
    "idle_hint": {
        "zh": "没有进行中的操作。发送 /new 报备新客户，/mine 查看我的报备。",
        "en": "Nothing in progress. Send /new to file a customer or /mine to see your registrations.",
    },
    "stale_button": {
        "zh": "这个按钮已过期。发送 /help 查看你现在可以做什么。",
        "en": "This button has expired. Send /help to see what you can do now.",
    },
    "stale_in_progress": {
        "zh": "这个按钮已过期。请接着回答下面最新的问题，或发送 /cancel 取消。",
        "en": "This button has expired. Please answer the latest question below, or send /cancel.",
    },
    "error": {
        "zh": (
            "抱歉，出了点问题，刚才的操作没有完成，已通知管理员。请稍后再试。\n错误编号："
            "<code>{error_id}</code>"
        ),
        "en": (
            "Sorry, something went wrong and that did not go through; the admins have been told. Please try "
            "again shortly.\nError id: <code>{error_id}</code>"
        ),
    },
    # --- what the admins get when something breaks (bot.runtime.errors) ---------------------------------
    "error_admin": {
        "zh": "⚠️ 机器人出错，错误编号：<code>{error_id}</code>",
        "en": "⚠️ The bot hit an error, id <code>{error_id}</code>",
    },
    "error_admin_update": {
        "zh": "处理消息时出错：类型 {kind}，消息编号 {update_id}，用户 {user_id}，聊天 {chat_id}",
        "en": "While handling an update: kind {kind}, update {update_id}, user {user_id}, chat {chat_id}",
    },
    "error_admin_job": {
        "zh": "后台任务出错（没有用户消息）：{job}",
        "en": "In a background job (no user update): {job}",
    },
    # --- how a list reads in a sentence -----------------------------------------------------------
    "list_separator": {"zh": "，", "en": ", "},
}
