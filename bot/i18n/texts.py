"""Every word a person reads, in Chinese and English. Values put into texts are HTML-escaped here."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

LANGUAGES = ("zh", "en")

TEXTS: dict[str, dict[str, str]] = {
    # --- access ---------------------------------------------------------------------------
    "stranger": {
        "zh": "您好！这个机器人只供本公司销售人员使用。如需开通，请向您的店长或主管索取邀请链接。",
        "en": "Hello! This bot is for our sales staff only. To get access, ask your store manager or supervisor for an invitation link.",
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
        "zh": "{name}，您好！",
        "en": "Hello, {name}!",
    },
    "menu_filer": {
        "zh": "/new 报备新客户\n/mine 我的报备\n/cancel 取消当前操作",
        "en": "/new file a new customer\n/mine my registrations\n/cancel cancel what you are doing",
    },
    "menu_quota": {"zh": "/quota 本月报备额度", "en": "/quota this month's quota"},
    "menu_admin": {"zh": "/invite 邀请同事加入", "en": "/invite invite a colleague"},
    "menu_manager": {"zh": "/history 查客户完整记录", "en": "/history a customer's full record"},
    "menu_dept_head": {
        "zh": "/arbitrate 裁决报备或业绩归属",
        "en": "/arbitrate decide who holds a customer or a credit",
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
    "private_only": {
        "zh": "请在与我的私聊中使用这个命令，群里不处理客户资料。",
        "en": "Please use this command in a private chat with me; customer details are not handled in groups.",
    },
    # --- issue 10 items 1, 2: group help, the full workbook in private --------------------------
    "cmd_help": {"zh": "帮助", "en": "Help"},
    "cmd_export": {"zh": "团队跟踪表（完整）", "en": "Team tracking workbook (full)"},
    "menu_export": {
        "zh": "/export 团队意向客户跟踪表（完整版）",
        "en": "/export the team's tracking workbook (full)",
    },
    "help_group": {
        "zh": "群里可用：\n/bindteam 本群接收团队日报\n/unbindteam 本群不再接收日报\n/help 帮助\n报备、跟进、查询请在与我的私聊中进行；群里不显示客户资料。",
        "en": "In groups:\n/bindteam this group gets the team's daily summary\n/unbindteam stop the summary here\n/help this help\nFiling, follow-ups and look-ups happen in a private chat with me; no customer details are shown in groups.",
    },
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
        "zh": "这个按钮已过期。发送 /new 重新开始。",
        "en": "This button has expired. Send /new to start again.",
    },
    "error": {
        "zh": "抱歉，出了点问题，刚才的操作没有完成，已通知管理员。请稍后再试。\n错误编号：<code>{error_id}</code>",
        "en": "Sorry, something went wrong and that did not go through; the admins have been told. Please try again shortly.\nError id: <code>{error_id}</code>",
    },
    # --- what the admins get when something breaks (bot.runtime.errors) ---------------------------------
    "error_admin": {
        "zh": "⚠️ 机器人出错，错误编号：<code>{error_id}</code>",
        "en": "⚠️ The bot hit an error, id <code>{error_id}</code>",
    },
    "error_admin_update": {
        "zh": "处理更新时出错：类型 {kind}，update {update_id}，用户 {user_id}，聊天 {chat_id}",
        "en": "While handling an update: kind {kind}, update {update_id}, user {user_id}, chat {chat_id}",
    },
    "error_admin_job": {
        "zh": "后台任务出错（没有用户消息）：{job}",
        "en": "In a background job (no user update): {job}",
    },
    # --- the filing dialog --------------------------------------------------------------------
    "ask_name": {
        "zh": "📝 报备新客户（随时发送 /cancel 取消）\n\n<b>1/6</b> 客户姓名？",
        "en": "📝 New registration (send /cancel at any time to stop)\n\n<b>1/6</b> Customer's name?",
    },
    "ask_phone": {
        "zh": "<b>2/6</b> 客户电话？直接输入，或点下方按钮从通讯录分享联系人。",
        "en": "<b>2/6</b> Customer's phone? Type it, or share a contact from your address book with the button below.",
    },
    "share_contact_button": {"zh": "📇 从通讯录选择", "en": "📇 Choose from contacts"},
    "ask_address": {
        "zh": "<b>3/6</b> 客户详细地址？（小区/街道、楼栋门牌，至少 {min} 个字）",
        "en": "<b>3/6</b> Customer's detailed address? (street or estate and building/door number, at least {min} characters)",
    },
    "ask_needs": {
        "zh": "<b>4/6</b> 客户需求？（如：卧室床垫 1.8 米、沙发）可跳过。",
        "en": "<b>4/6</b> What does the customer need? (e.g. 1.8 m mattress, sofa) You may skip this.",
    },
    "skip": {"zh": "跳过", "en": "Skip"},
    "ask_purchase": {
        "zh": "<b>5/6</b> 预计什么时候购买？",
        "en": "<b>5/6</b> When does the customer expect to buy?",
    },
    "purchase_week": {"zh": "一周内", "en": "Within a week"},
    "purchase_month": {"zh": "一个月内", "en": "Within a month"},
    "purchase_quarter": {"zh": "1–3 个月", "en": "1–3 months"},
    "purchase_later": {"zh": "更晚", "en": "Later"},
    "purchase_unknown": {"zh": "不确定", "en": "Not sure"},
    "ask_obtained": {
        "zh": "<b>6/6</b> 你是什么时候拿到这位客户的信息的？（须在 {hours} 小时内报备）",
        "en": "<b>6/6</b> When did you get this customer's information? (it must be filed within {hours} hours)",
    },
    "obtained_now": {"zh": "刚刚", "en": "Just now"},
    "obtained_today": {"zh": "今天早些时候", "en": "Earlier today"},
    "obtained_yesterday": {"zh": "昨天", "en": "Yesterday"},
    "obtained_earlier": {"zh": "更早", "en": "Earlier"},
    "ask_obtained_time_yesterday": {
        "zh": "昨天几点拿到的？请输入时间，如 15:30",
        "en": "At what time yesterday? Type the time, e.g. 15:30",
    },
    "ask_obtained_time_earlier": {
        "zh": "哪天几点拿到的？请输入日期和时间，如 {example}",
        "en": "On which day and at what time? Type the date and time, e.g. {example}",
    },
    "bad_time": {
        "zh": "没看懂这个时间。请按 15:30 这样的格式输入。",
        "en": "I could not read that time. Please type it like 15:30.",
    },
    "bad_datetime": {
        "zh": "没看懂这个日期时间。请按 {example} 这样的格式输入（月-日 时:分）。",
        "en": "I could not read that date and time. Please type it like {example} (month-day hour:minute).",
    },
    "summary": {
        "zh": "请核对报备信息：\n\n姓名：{name}\n电话：{phone}\n地址：{address}\n需求：{needs}\n预计购买：{purchase}\n获得信息：{obtained}\n\n确认提交吗？",
        "en": "Please check the registration:\n\nName: {name}\nPhone: {phone}\nAddress: {address}\nNeeds: {needs}\nExpected purchase: {purchase}\nInformation obtained: {obtained}\n\nFile it?",
    },
    "none": {"zh": "（无）", "en": "(none)"},
    "confirm": {"zh": "✅ 确认提交", "en": "✅ Confirm"},
    "edit": {"zh": "✏️ 修改", "en": "✏️ Edit"},
    "cancel": {"zh": "✖️ 取消", "en": "✖️ Cancel"},
    "ask_edit_field": {"zh": "要修改哪一项？", "en": "Which field do you want to change?"},
    "field_name": {"zh": "姓名", "en": "Name"},
    "field_phone": {"zh": "电话", "en": "Phone"},
    "field_address": {"zh": "地址", "en": "Address"},
    "field_needs": {"zh": "需求", "en": "Needs"},
    "field_purchase": {"zh": "预计购买", "en": "Expected purchase"},
    "field_obtained": {"zh": "获得信息时间", "en": "When obtained"},
    "back": {"zh": "↩️ 返回", "en": "↩️ Back"},
    "cancelled": {
        "zh": "已取消，什么都没有提交。发送 /new 重新开始。",
        "en": "Cancelled; nothing was filed. Send /new to start again.",
    },
    "filing_in_progress": {
        "zh": "正在提交，请稍候……",
        "en": "Filing, one moment…",
    },
    "use_buttons": {
        "zh": "请用下面的按钮选择。",
        "en": "Please choose with the buttons below.",
    },
    # --- field hints --------------------------------------------------------------------------
    "name_empty": {"zh": "请输入客户姓名。", "en": "Please type the customer's name."},
    "name_too_long": {
        "zh": "姓名太长了（最多 {max} 个字）。请只输入客户的姓名。",
        "en": "That name is too long (at most {max} characters). Please type just the customer's name.",
    },
    "name_not_a_name": {
        "zh": "这看起来不像姓名（需要包含文字，不能只有表情或符号）。请重新输入客户姓名。",
        "en": "That does not look like a name (it needs letters, not only emoji or symbols). Please type the customer's name again.",
    },
    "phone_empty": {"zh": "请输入客户电话。", "en": "Please type the customer's phone number."},
    "phone_not_digits": {
        "zh": "电话只能包含数字（可带空格、-、+）。请重新输入，如 138 0013 8000。",
        "en": "A phone number may only contain digits (spaces, - and + are fine). Please type it again, e.g. 138 0013 8000.",
    },
    "phone_too_short": {
        "zh": "号码位数不够：你输入了 {digits} 位。手机号是 11 位（1 开头），座机请带区号，如 010-12345678。",
        "en": "Too few digits: you typed {digits}. A mobile number has 11 digits starting with 1; a landline needs its area code, e.g. 010-12345678.",
    },
    "phone_too_long": {
        "zh": "号码位数太多：你输入了 {digits} 位。手机号是 11 位（1 开头）。",
        "en": "Too many digits: you typed {digits}. A mobile number has 11 digits starting with 1.",
    },
    "phone_invalid": {
        "zh": "这不是有效的电话号码。手机号为 1 开头的 11 位数字（第二位 3–9），座机请带区号。",
        "en": "That is not a valid phone number. Mobiles have 11 digits starting 13–19; landlines need their area code.",
    },
    "address_too_short": {
        "zh": "地址太简略了（至少 {min} 个字）。请写到小区/街道和楼栋门牌，如：朝阳区建国路88号3栋1201。",
        "en": "That address is too short (at least {min} characters). Give the street or estate and the building/door, e.g. 3-1201, 88 Jianguo Rd, Chaoyang.",
    },
    "address_too_long": {
        "zh": "地址太长了（最多 {max} 个字）。",
        "en": "That address is too long (at most {max} characters).",
    },
    "address_only_area": {
        "zh": "只写了省/市/区，还不是详细地址。请补充街道/小区和楼栋门牌。",
        "en": "That is only a province/city/district, not a detailed address. Please add the street or estate and the building/door number.",
    },
    "needs_too_long": {
        "zh": "需求写得太长了（最多 {max} 个字），请简要描述。",
        "en": "That is too long (at most {max} characters); please keep it short.",
    },
    "obtained_in_future": {
        "zh": "获得信息的时间不能晚于现在。",
        "en": "The time the information was obtained cannot be in the future.",
    },
    # --- issue 10 items 5 (input caps), 7 (typed dates and times), 13 (a phone as the address) ---
    "address_is_phone": {
        "zh": "这是电话号码，不是地址。请输入客户的详细地址（小区/街道和楼栋门牌）。",
        "en": "That is a phone number, not an address. Please type the customer's detailed address (street or estate and building/door).",
    },
    "reason_too_short": {
        "zh": "请写明理由（至少两个字）。",
        "en": "Please give a reason (at least two characters).",
    },
    "reason_too_long": {
        "zh": "理由太长了（最多 {max} 个字），请简短些。",
        "en": "That reason is too long (at most {max} characters); please keep it short.",
    },
    "team_name_empty": {"zh": "请输入团队名称。", "en": "A team needs a name."},
    "team_name_too_long": {
        "zh": "团队名称太长了（最多 {max} 个字）。",
        "en": "That team name is too long (at most {max} characters).",
    },
    "staff_name_empty": {"zh": "请输入姓名。", "en": "A person needs a name."},
    "staff_name_too_long": {
        "zh": "姓名太长了（最多 {max} 个字）。",
        "en": "That name is too long (at most {max} characters).",
    },
    "ask_obtained_time_today": {
        "zh": "今天几点拿到的？请点选整点，或输入时间，如 9:30",
        "en": "At what time today? Pick the hour, or type the time, e.g. 9:30",
    },
    "date_out_of_reach": {
        "zh": "这个日期离今天太远了，请检查年份。年份可以不写，如 {example}",
        "en": "That date is too far from today; please check the year. You may leave the year out, e.g. {example}",
    },
    "next_contact_past": {
        "zh": "这个时间已经过去了。下次联系要安排在以后，请重新选择或输入。",
        "en": "That time has passed. The next contact is in the future: pick or type it again.",
    },
    # --- verdicts -----------------------------------------------------------------------------
    "accepted": {
        "zh": "✅ 报备成功！客户 {name}（{phone}）现由你跟进。",
        "en": "✅ Filed! {name} ({phone}) is now your customer.",
    },
    "next_follow_up": {"zh": "请在 {at} 前完成首次跟进。", "en": "Follow up by {at}."},
    "next_follow_up_again": {"zh": "请在 {at} 前再次跟进。", "en": "Follow up again by {at}."},
    "next_lapse": {
        "zh": "请在 {at} 前跟进，否则报备失去保护。",
        "en": "Follow up by {at} or the claim loses its protection.",
    },
    "next_expiry": {
        "zh": "业务报备须在 {at} 前上门量尺或下定，否则自动失效。",
        "en": "Measure on site or take a deposit by {at}, or the registration expires.",
    },
    "needs_review_filer": {
        "zh": "⚠️ 这位客户与 {holder} 名下的客户 {other} 姓名和地址相近（可能是同一家庭的另一个号码），已标记待主管核实。",
        "en": "⚠️ This customer looks like {other}, held by {holder} (similar name and address, maybe another number of the same household). Marked for your managers to review.",
    },
    "needs_review_manager": {
        "zh": "⚠️ 可能撞单，请核实：{filer}（{filer_team}）刚报备的客户 {name} {phone}，与 {holder}（{holder_team}）名下的客户 {other_name} 姓名和地址相近。",
        "en": "⚠️ Possible duplicate, please review: {filer} ({filer_team}) just filed {name} {phone}, whose name and address resemble {other_name}, held by {holder} ({holder_team}).",
    },
    "rejected_duplicate": {
        "zh": "❌ 报备未通过：该客户已由 {holder} 于 {since} 报备，仍在保护期内。按“先报先保”，本次报备不生效。",
        "en": "❌ Not filed: {holder} registered this customer on {since} and the registration is still protected. First registered, first protected.",
    },
    "rejected_already_yours": {
        "zh": "ℹ️ 这位客户已经在你名下（{since} 报备），不用重复报备。{next}\n发送 /mine 查看你的报备。",
        "en": "ℹ️ This customer is already yours (filed {since}); no need to file again. {next}\nSend /mine to see your registrations.",
    },
    "rejected_quota": {
        "zh": "❌ 报备未通过：本月报备额度已用完（{used}/{limit}）。成交后名额即刻恢复。",
        "en": "❌ Not filed: this month's quota is used up ({used}/{limit}). A deal frees its slot at once.",
    },
    "rejected_late": {
        "zh": "❌ 报备未通过：获得客户信息（{obtained}）已超过 {hours} 小时，按制度须在 {hours} 小时内报备。特殊情况请联系部门负责人。",
        "en": "❌ Not filed: the information was obtained at {obtained}, more than {hours} hours ago; filings must come within {hours} hours. Ask your department head about special cases.",
    },
    "rejected_already_sold": {
        "zh": "❌ 报备未通过：这位客户已经成交，成交后的报备无效。",
        "en": "❌ Not filed: this customer has already bought; registrations after a deal are invalid.",
    },
    "rejected_incomplete": {
        "zh": "❌ 报备未通过：资料不完整。",
        "en": "❌ Not filed: the details are incomplete.",
    },
    "rejected_not_staff": {
        "zh": "❌ 你目前没有报备权限。如有疑问请联系管理员。",
        "en": "❌ You are not allowed to file registrations. Please ask an admin if this is wrong.",
    },
    "start_again": {"zh": "发送 /new 报备下一位客户。", "en": "Send /new to file another customer."},
    # --- lists ----------------------------------------------------------------------------------
    "mine_empty": {
        "zh": "你目前没有有效的报备。发送 /new 报备新客户。",
        "en": "You hold no registrations right now. Send /new to file a customer.",
    },
    "mine_header": {"zh": "你的报备（{count} 个）：", "en": "Your registrations ({count}):"},
    "mine_page": {"zh": "第 {page}/{pages} 页", "en": "Page {page} of {pages}"},
    "state_pending_review": {"zh": "待审核", "en": "pending review"},
    "state_active": {"zh": "跟进中", "en": "active"},
    "state_due": {"zh": "待跟进", "en": "follow-up due"},
    "state_lapsed": {"zh": "已超期未跟进", "en": "lapsed"},
    "state_expired": {"zh": "已失效", "en": "expired"},
    "state_deposit": {"zh": "已下定", "en": "deposit paid"},
    "state_won": {"zh": "已成交", "en": "won"},
    "state_lost": {"zh": "已流失", "en": "lost"},
    "state_void": {"zh": "已作废", "en": "void"},
    "deadline_follow_up": {"zh": "{at} 前跟进", "en": "follow up by {at}"},
    "deadline_lapse": {"zh": "{at} 前跟进，否则失去保护", "en": "follow up by {at} or lose protection"},
    "deadline_expiry": {"zh": "{at} 前量尺或下定", "en": "measure or take a deposit by {at}"},
    "review_flag": {"zh": "（待核实）", "en": " (under review)"},
    "quota_store": {
        "zh": "门店导购报备不限数量。",
        "en": "Store guides have no monthly quota.",
    },
    "quota_status": {
        "zh": "本月报备额度：已用 {used}/{limit}，剩余 {left}。成交后名额即刻恢复。",
        "en": "This month's quota: {used} of {limit} used, {left} left. A deal frees its slot at once.",
    },
    # --- invitations ----------------------------------------------------------------------------
    "not_admin": {"zh": "只有管理员可以邀请同事。", "en": "Only admins can invite colleagues."},
    "ask_invite_role": {"zh": "邀请的同事是什么角色？", "en": "What is the new colleague's role?"},
    "ask_invite_team": {"zh": "属于哪个团队？", "en": "Which team?"},
    "no_teams": {
        "zh": "还没有团队。请先在服务器上运行 leadbot team add 创建团队。",
        "en": "There are no teams yet. Create one first with `leadbot team add` on the server.",
    },
    "invite_link": {
        "zh": "邀请链接（{hours} 小时内有效，只能使用一次）：\n{link}\n\n角色：{role}{team}",
        "en": "Invitation link (valid for {hours} hours, one use only):\n{link}\n\nRole: {role}{team}",
    },
    "team_suffix": {"zh": "，团队：{team}", "en": ", team: {team}"},
    "role_guide": {"zh": "导购", "en": "store guide"},
    "role_salesperson": {"zh": "业务员", "en": "field salesperson"},
    "role_store_manager": {"zh": "店长", "en": "store manager"},
    "role_supervisor": {"zh": "业务主管", "en": "sales supervisor"},
    "role_ops_manager": {"zh": "运营经理", "en": "operations manager"},
    "role_marketing_manager": {"zh": "市场部经理", "en": "marketing manager"},
    "role_dept_head": {"zh": "部门负责人", "en": "department head"},
    "role_admin": {"zh": "管理员", "en": "admin"},
    # --- follow-ups (/follow) ----------------------------------------------------------------
    "cmd_follow": {"zh": "记录跟进", "en": "Record a follow-up"},
    "cmd_extend": {"zh": "申请延期", "en": "Ask for an extension"},
    "menu_follow": {
        "zh": "/follow 记录跟进\n/extend 业务报备申请延期",
        "en": "/follow record a follow-up\n/extend ask for more time (field)",
    },
    "follow_button": {"zh": "✍️ 跟进", "en": "✍️ Follow up"},
    "follow_pick": {
        "zh": "📝 记录跟进（随时发送 /cancel 取消）\n\n选择客户：",
        "en": "📝 Record a follow-up (send /cancel at any time to stop)\n\nWhich customer?",
    },
    "follow_none": {
        "zh": "你目前没有可以跟进的报备。",
        "en": "You have no registration to follow up right now.",
    },
    "page_prev": {"zh": "⬅️ 上一页", "en": "⬅️ Previous"},
    "page_next": {"zh": "下一页 ➡️", "en": "Next ➡️"},
    "follow_ask_kind": {
        "zh": "<b>{name}</b>：这次跟进是什么？",
        "en": "<b>{name}</b>: what kind of follow-up?",
    },
    "kind_call": {"zh": "📞 电话", "en": "📞 Call"},
    "kind_message": {"zh": "💬 微信/短信", "en": "💬 Message"},
    "kind_store_visit": {"zh": "🏬 到店", "en": "🏬 Store visit"},
    "kind_home_visit": {"zh": "🏠 上门拜访", "en": "🏠 Home visit"},
    "kind_measurement": {"zh": "📐 上门量尺", "en": "📐 Measurement"},
    "kind_quote": {"zh": "🧾 报价", "en": "🧾 Quote"},
    "kind_deposit": {"zh": "💰 下定", "en": "💰 Deposit"},
    "kind_deal": {"zh": "🤝 成交", "en": "🤝 Deal"},
    "kind_lost": {"zh": "❌ 流失", "en": "❌ Lost"},
    "kind_note": {"zh": "🗒 备注", "en": "🗒 Note"},
    "follow_ask_note": {
        "zh": "简单记一句（如：客户想看 1.8 米床垫，周末来店），可跳过。",
        "en": "A short note (e.g. wants a 1.8 m mattress, will come at the weekend); you may skip it.",
    },
    "note_too_long": {
        "zh": "太长了（最多 {max} 个字），请简短些。",
        "en": "Too long (at most {max} characters); please keep it short.",
    },
    "follow_ask_next": {
        "zh": "下次计划什么时候联系？请点选，或输入日期时间，如 {example}",
        "en": "When do you plan the next contact? Pick one, or type the date and time, e.g. {example}",
    },
    "next_1": {"zh": "明天", "en": "Tomorrow"},
    "next_3": {"zh": "3 天后", "en": "In 3 days"},
    "next_7": {"zh": "一周后", "en": "In a week"},
    "next_0": {"zh": "暂不安排", "en": "Not planned"},
    "follow_ask_amount_deposit": {
        "zh": "定金金额（元）？如 2000。可跳过。",
        "en": "Deposit amount (yuan)? e.g. 2000. You may skip it.",
    },
    "follow_ask_amount_deal": {"zh": "成交金额（元）？如 12800", "en": "Deal amount (yuan)? e.g. 12800"},
    "bad_amount": {
        "zh": "金额不对：请输入大于 0 的数字，最多两位小数，如 12800 或 3500.50。",
        "en": "That amount is not right: type a number above 0 with at most two decimals, e.g. 12800 or 3500.50.",
    },
    "follow_confirm": {
        "zh": "请确认：<b>{name}</b> 记录「{kind}」{amount}。\n{warning}",
        "en": "Please confirm: record “{kind}” for <b>{name}</b>{amount}.\n{warning}",
    },
    "amount_suffix": {"zh": "，金额 ¥{amount}", "en": ", amount ¥{amount}"},
    "warning_deal": {
        "zh": "成交后报备关闭，业绩记入你名下。",
        "en": "The registration closes and the credit is yours.",
    },
    "warning_deposit": {
        "zh": "下定后业绩记入你名下，不再失效。",
        "en": "The credit is yours and the registration no longer expires.",
    },
    "warning_deal_pending": {
        "zh": "这条报备待主管审核：成交先记为暂定，审核通过后才关闭报备、业绩记入你名下；驳回则作废。",
        "en": "This registration awaits review: the deal is provisional; on approval it closes and the credit is yours, on rejection it is void.",
    },
    "warning_deposit_pending": {
        "zh": "这条报备待主管审核：下定先记为暂定，审核通过后业绩才记入你名下；驳回则作废。",
        "en": "This registration awaits review: the deposit is provisional; the credit is yours only once it is approved, and void if rejected.",
    },
    "warning_lost": {
        "zh": "标记流失后客户将释放给其他同事。",
        "en": "The customer becomes free for colleagues.",
    },
    "follow_saved": {
        "zh": "✅ 已记录「{kind}」：{name}。\n当前状态：{state}。",
        "en": "✅ Recorded “{kind}” for {name}.\nState now: {state}.",
    },
    "follow_next_contact": {"zh": "计划下次联系：{at}", "en": "Next contact planned: {at}"},
    "refused_not_holder": {
        "zh": "❌ 这不是你的报备，只有有效报备人可以记录跟进。",
        "en": "❌ This is not your registration; only its valid holder can record on it.",
    },
    "refused_not_found": {"zh": "❌ 找不到这条报备。", "en": "❌ That registration does not exist."},
    "refused_closed": {
        "zh": "❌ 这条报备已{state}，不能再记录。",
        "en": "❌ This registration is {state} now; nothing can be recorded on it.",
    },
    "refused_bad_amount": {"zh": "❌ 金额不对。", "en": "❌ That amount is not right."},
    "refused_amount_required": {"zh": "❌ 成交必须填写金额。", "en": "❌ A deal needs its amount."},
    "refused_note_too_long": {"zh": "❌ 文字太长了。", "en": "❌ That text is too long."},
    "refused_not_staff": {"zh": "❌ 你目前没有权限。", "en": "❌ You are not allowed to do this."},
    "refused_not_field": {
        "zh": "❌ 只有业务报备有 15 天失效期，门店报备无需延期。",
        "en": "❌ Only field registrations expire; store registrations need no extension.",
    },
    "refused_extension_pending": {
        "zh": "❌ 已有一个延期申请在等待部门负责人处理。",
        "en": "❌ An extension request is already waiting for the department head.",
    },
    "refused_taken": {
        "zh": "❌ 这位客户已由其他同事报备，不能再延期。",
        "en": "❌ A colleague has filed this customer since; it can no longer be extended.",
    },
    "refused_not_entitled": {"zh": "❌ 你无权做这个决定。", "en": "❌ You are not entitled to decide this."},
    "refused_already_decided": {
        "zh": "❌ 这个申请已经处理过了。",
        "en": "❌ This request was already decided.",
    },
    "refused_reason_required": {"zh": "❌ 必须写明理由。", "en": "❌ A reason is required."},
    "refused_no_credit": {
        "zh": "❌ 这条报备还没有下定或成交，没有业绩可以调整。",
        "en": "❌ This registration has no deposit or deal whose credit could move.",
    },
    "refused_bad_target": {
        "zh": "❌ 只能转给在职的导购或业务员。",
        "en": "❌ It can only go to an active store guide or field salesperson.",
    },
    "refused_not_pending": {
        "zh": "❌ 这条报备已经审核过了（当前：{state}），无需再处理。",
        "en": "❌ This registration has been reviewed already (now: {state}); nothing is left to decide.",
    },
    "follow_cancelled": {"zh": "已取消，没有记录任何跟进。", "en": "Cancelled; nothing was recorded."},
    "use_buttons_above": {
        "zh": "请用上面的按钮选择，或发送 /cancel 取消。",
        "en": "Please use the buttons above, or send /cancel.",
    },
    # --- extensions, reviews, arbitration -------------------------------------------------------
    "extend_pick": {"zh": "选择要申请延期的业务报备：", "en": "Which field registration needs more time?"},
    "extend_none": {
        "zh": "你没有可以申请延期的业务报备（只有业务报备有 15 天失效期）。",
        "en": "You have no field registration that could be extended (only field registrations expire).",
    },
    "extend_ask_reason": {
        "zh": "<b>{name}</b>（{expiry}到期）：请写明延期理由，部门负责人会据此决定。",
        "en": "<b>{name}</b> (expires {expiry}): give the reason for the extension; the department head decides on it.",
    },
    "extend_sent": {
        "zh": "✅ 延期申请已提交，等待部门负责人处理。结果会通知你。",
        "en": "✅ Extension request sent to the department head. You will be told the decision.",
    },
    "extend_no_head": {
        "zh": "⚠️ 目前没有登记部门负责人，申请已记录，请直接联系你的主管。",
        "en": "⚠️ No department head is on the roster; the request is recorded, please talk to your supervisor.",
    },
    "extend_request_to_head": {
        "zh": "🕒 延期申请：{staff} 的业务报备 {name}（{phone}），{expiry}到期。\n理由：{reason}",
        "en": "🕒 Extension request: {staff}'s field registration {name} ({phone}) expires {expiry}.\nReason: {reason}",
    },
    "approve": {"zh": "✅ 批准", "en": "✅ Approve"},
    "decline": {"zh": "✖️ 不批准", "en": "✖️ Decline"},
    "reject": {"zh": "✖️ 驳回", "en": "✖️ Reject"},
    "keep": {"zh": "✅ 确认有效", "en": "✅ Keep it"},
    "void": {"zh": "✖️ 作废", "en": "✖️ Void it"},
    "decided_approved": {"zh": "已批准（{by}）。", "en": "Approved ({by})."},
    "decided_declined": {"zh": "未批准（{by}）。", "en": "Declined ({by})."},
    "decided_rejected": {"zh": "已驳回（{by}）：{reason}", "en": "Rejected ({by}): {reason}"},
    "notice_extension_approved": {
        "zh": "✅ 你的客户 {name} 延期申请已批准（{other}）。新的失效时间：{until}。",
        "en": "✅ Your extension for {name} was approved by {other}. It now expires {until}.",
    },
    "notice_extension_declined": {
        "zh": "✖️ 你的客户 {name} 延期申请未获批准（{other}）。",
        "en": "✖️ Your extension for {name} was declined by {other}.",
    },
    "review_request": {
        "zh": "📋 待审核报备：{staff} 报备了客户 {name}（{phone}），地址：{address}。",
        "en": "📋 Filing to review: {staff} filed {name} ({phone}), address: {address}.",
    },
    "review_ask_reason": {
        "zh": "请写明驳回理由（会告诉报备人）：",
        "en": "Give the reason for rejecting it (the filer will see it):",
    },
    "accepted_pending_review": {
        "zh": "ℹ️ 本店报备需主管审核：你的报备已占位，审核通过前请照常跟进。",
        "en": "ℹ️ Filings here are reviewed by a manager: yours holds its place; keep following up meanwhile.",
    },
    "notice_review_approved": {
        "zh": "✅ 你的报备 {name} 已通过审核（{other}）。",
        "en": "✅ Your registration of {name} was approved by {other}.",
    },
    "notice_review_rejected": {
        "zh": "✖️ 你的报备 {name} 被驳回（{other}），报备作废。理由：{reason}",
        "en": "✖️ Your registration of {name} was rejected by {other} and is void. Reason: {reason}",
    },
    "notice_arbitrated_transfer_to": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name}（{phone}）转由你跟进。理由：{reason}",
        "en": "⚖️ Department head {other} decided: customer {name} ({phone}) is now yours to work. Reason: {reason}",
    },
    "notice_arbitrated_transfer_from": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name} 已转给其他同事跟进。理由：{reason}",
        "en": "⚖️ Department head {other} decided: customer {name} now belongs to a colleague. Reason: {reason}",
    },
    "notice_arbitrated_credit_to": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name} 的业绩记入你名下。理由：{reason}",
        "en": "⚖️ Department head {other} decided: the credit for {name} is yours. Reason: {reason}",
    },
    "notice_arbitrated_credit_from": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name} 的业绩已改记其他同事。理由：{reason}",
        "en": "⚖️ Department head {other} decided: the credit for {name} moved to a colleague. Reason: {reason}",
    },
    "cmd_arbitrate": {"zh": "裁决（部门负责人）", "en": "Arbitrate (department head)"},
    "cmd_history": {"zh": "查客户记录（主管）", "en": "Customer history (managers)"},
    "arb_ask_phone": {
        "zh": "⚖️ 裁决（随时发送 /cancel 取消）\n\n客户电话？",
        "en": "⚖️ Arbitration (send /cancel at any time to stop)\n\nCustomer's phone?",
    },
    "arb_none": {"zh": "这个号码没有报备记录。", "en": "There is no registration for this number."},
    "arb_pick": {"zh": "选择要裁决的报备：", "en": "Which registration?"},
    "arb_ask_action": {
        "zh": "<b>{name}</b>，报备人 {holder}，{state}。裁决什么？",
        "en": "<b>{name}</b>, held by {holder}, {state}. What do you decide?",
    },
    "arb_transfer": {"zh": "转给其他同事跟进", "en": "Move it to another colleague"},
    "arb_credit": {"zh": "调整业绩归属", "en": "Move the credit"},
    "arb_nothing": {
        "zh": "这条报备已关闭且没有业绩，无可裁决。",
        "en": "This registration is closed and has no credit; nothing to decide.",
    },
    "arb_ask_target": {"zh": "转给谁？", "en": "To whom?"},
    "arb_ask_reason": {
        "zh": "裁决理由？（必填，会告诉相关同事）",
        "en": "The reason? (required; the people concerned will see it)",
    },
    "arb_confirm": {
        "zh": "请确认裁决：{what}\n客户：{name}\n从 {from_} 到 {to}\n理由：{reason}",
        "en": "Please confirm: {what}\nCustomer: {name}\nFrom {from_} to {to}\nReason: {reason}",
    },
    "arb_done": {
        "zh": "✅ 裁决已记录：{what}，{name} → {to}。",
        "en": "✅ Decision recorded: {what}, {name} → {to}.",
    },
    # --- reminders (RULES §5) -------------------------------------------------------------------
    "reminder_follow_up": {
        "zh": "⏰ 跟进提醒：客户 <b>{name}</b>（{phone}）请在 {at} 前跟进（每 {every} 天至少跟进一次）。",
        "en": "⏰ Follow-up reminder: <b>{name}</b> ({phone}) needs a follow-up by {at} (at least every {every} days).",
    },
    "reminder_lapse": {
        "zh": "⚠️ 即将失去保护：客户 <b>{name}</b>（{phone}）到 {at} 就满 {days} 天未跟进，之后同事可以报备接手。请马上跟进！",
        "en": "⚠️ About to lose protection: <b>{name}</b> ({phone}) reaches {days} days without a follow-up at {at}; after that a colleague can take the customer over. Follow up now!",
    },
    "reminder_expiry": {
        "zh": "⌛ 即将失效：业务报备 <b>{name}</b>（{phone}）须在 {at} 前上门量尺或下定，否则自动失效。",
        "en": "⌛ About to expire: field registration <b>{name}</b> ({phone}) needs a measurement or a deposit by {at}, or it expires.",
    },
    "record_measurement": {"zh": "📐 记录量尺/下定", "en": "📐 Record measurement/deposit"},
    "ask_extension_button": {"zh": "🕒 申请延期", "en": "🕒 Ask for an extension"},
    # --- group chats ----------------------------------------------------------------------------
    "bind_group_only": {
        "zh": "请在经理群里发送这个命令。",
        "en": "Send this command in the managers' group chat.",
    },
    "bind_not_allowed": {
        "zh": "只有该团队的店长/主管或管理员可以绑定群。",
        "en": "Only the team's store manager or supervisor, or an admin, can bind a group.",
    },
    "bind_pick": {
        "zh": "这个群接收哪个团队的每日日报？",
        "en": "Which team's daily summary should this group receive?",
    },
    "bind_done": {
        "zh": "✅ 本群将每天 {time} 收到「{team}」的日报。",
        "en": "✅ This group will get {team}'s daily summary at {time}.",
    },
    "unbind_done": {
        "zh": "✅ 本群不再接收日报：{teams}",
        "en": "✅ This group no longer gets the summary of: {teams}",
    },
    "unbind_nothing": {
        "zh": "本群没有绑定团队，或你无权解绑。",
        "en": "No team is bound here, or you may not unbind it.",
    },
    # --- takeover and other news the bot brings unasked ---------------------------------------------
    "accepted_challenge": {
        "zh": "⚠️ {holder} 的这条报备已超过 {days} 天未跟进。你的报备作为“接手申请”受理：如果你在 {holder} 跟进之前记录下定或成交，客户归你；如果 {holder} 先跟进，你的申请作废。",
        "en": "⚠️ {holder}'s registration of this customer has had no follow-up for {days} days. Yours is accepted as a takeover challenge: record a deposit or deal before {holder} follows up and the customer is yours; if {holder} follows up first, your challenge is dropped.",
    },
    "notice_challenged": {
        "zh": "⚠️ 你的客户 {name}（{phone}）已超过 {days} 天未跟进，{other} 刚刚报备了这位客户。请尽快跟进（/follow），否则对方下定后客户归对方。",
        "en": "⚠️ Your customer {name} ({phone}) has had no follow-up for {days} days and {other} has just filed them. Follow up now (/follow), or the customer is theirs once they record a deposit.",
    },
    "notice_taken_over": {
        "zh": "❌ 你的客户 {name}（{phone}）超期未跟进，{other} 已下定接手。你的报备作废（超期被接手），业绩不属于你。如有异议请联系部门负责人。",
        "en": "❌ Your customer {name} ({phone}) went without follow-up and {other} has taken them over with a deposit. Your registration is void (lapsed takeover) and the credit is not yours. Ask your department head if you disagree.",
    },
    "notice_challenge_dropped": {
        "zh": "ℹ️ {other} 已跟进客户 {name}，你的接手申请作废（原报备人已恢复跟进），不占用你的本月额度。",
        "en": "ℹ️ {other} has followed up {name}, so your takeover challenge is dropped (holder resumed). It does not count against your monthly quota.",
    },
    "rejected_refile_cooldown": {
        "zh": "❌ 报备未通过：这位客户是你的报备，于 {expired} 失效，{days} 天内不能重新报备。",
        "en": "❌ Not filed: this customer's registration of yours expired on {expired}; it cannot be re-filed within {days} days.",
    },
    "refile_cooldown_extend": {
        "zh": "需要更多时间请用 /extend 申请延期。",
        "en": " Use /extend to ask for more time instead.",
    },
    # --- issue 10 item 14: a deposit or deal recorded while review is pending is provisional -----
    "provisional_credit": {"zh": "⏳ {state}，业绩暂定", "en": "⏳ {state}, credit provisional"},
}

_WEEKDAYS = {
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang`, with values HTML-escaped (replies are sent as HTML)."""
    template = TEXTS[key][lang if lang in LANGUAGES else "zh"]
    return template.format(**{k: html.escape(str(v), quote=False) for k, v in values.items()})


def raw(lang: str, key: str, **values: object) -> str:
    """The text without escaping: for button labels and plain-text output such as the CLI."""
    template = TEXTS[key][lang if lang in LANGUAGES else "zh"]
    return template.format(**{k: str(v) for k, v in values.items()})


def when(lang: str, at: datetime, zone: ZoneInfo) -> str:
    """A moment in local time, as people say it: 'Thu 28 Nov 14:05' / '11月28日（周四）14:05'."""
    local = at.astimezone(zone)
    weekday = _WEEKDAYS["en" if lang == "en" else "zh"][local.weekday()]
    if lang == "en":
        return f"{weekday} {local.day} {_MONTHS_EN[local.month - 1]} {local:%H:%M}"
    return f"{local.month}月{local.day}日（{weekday}）{local:%H:%M}"


def language_of(telegram_language: str | None, default: str) -> str:
    if telegram_language:
        code = telegram_language.lower().split("-")[0]
        if code in LANGUAGES:
            return code
    return default


from bot.history.texts import HISTORY_TEXTS  # noqa: E402

TEXTS.update(HISTORY_TEXTS)
from bot.digests.texts import DIGEST_TEXTS  # noqa: E402

TEXTS.update(DIGEST_TEXTS)
