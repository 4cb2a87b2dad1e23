"""The filing dialog (/new): questions, field hints, input limits, verdicts. Gathered by bot.i18n.catalog."""

from __future__ import annotations

FILING_TEXTS: dict[str, dict[str, str]] = {
    # --- the filing dialog --------------------------------------------------------------------
    "ask_name": {
        "zh": "📝 报备新客户（随时发送 /cancel 取消）\n\n<b>1/6</b> 客户姓名？",
        "en": "📝 New registration (send /cancel at any time to stop)\n\n<b>1/6</b> Customer's name?",
    },
    "ask_phone": {
        "zh": "<b>2/6</b> 客户电话？直接输入，或点下方按钮从通讯录分享联系人。",
        "en": (
            "<b>2/6</b> Customer's phone? Type it, or share a contact from your address book with the button "
            "below."
        ),
    },
    "share_contact_button": {"zh": "📇 从通讯录选择", "en": "📇 Choose from contacts"},
    "ask_address": {
        "zh": "<b>3/6</b> 客户详细地址？（小区/街道、楼栋门牌，至少 {min} 个字）",
        "en": (
            "<b>3/6</b> Customer's detailed address? (street or estate and building/door number, at least "
            "{min} {min:character|characters})"
        ),
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
        "en": (
            "<b>6/6</b> When did you get this customer's information? (it must be filed within {hours} "
            "{hours:hour|hours})"
        ),
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
        "zh": (
            "请核对报备信息：\n\n姓名：{name}\n电话：{phone}\n地址：{address}\n需求：{needs}\n预计购买："
            "{purchase}\n获得信息：{obtained}\n\n确认提交吗？"
        ),
        "en": (
            "Please check the registration:\n\nName: {name}\nPhone: {phone}\nAddress: {address}\nNeeds: "
            "{needs}\nExpected purchase: {purchase}\nInformation obtained: {obtained}\n\nFile it?"
        ),
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
        "en": (
            "That name is too long (at most {max} {max:character|characters}). Please type just the "
            "customer's name."
        ),
    },
    "name_not_a_name": {
        "zh": "这看起来不像姓名（需要包含文字，不能只有表情或符号）。请重新输入客户姓名。",
        "en": (
            "That does not look like a name (it needs letters, not only emoji or symbols). Please type the "
            "customer's name again."
        ),
    },
    "phone_empty": {"zh": "请输入客户电话。", "en": "Please type the customer's phone number."},
    "phone_not_digits": {
        "zh": "电话只能包含数字（可带空格、-、+）。请重新输入，如 138 0013 8000。",
        "en": (
            "A phone number may only contain digits (spaces, - and + are fine). Please type it again, e.g. "
            "138 0013 8000."
        ),
    },
    "phone_too_short": {
        "zh": "号码位数不够：你输入了 {digits} 位。手机号是 11 位（1 开头），座机请带区号，如 010-12345678。",
        "en": (
            "Too few digits: you typed {digits} {digits:digit|digits}. A mobile number has 11 digits "
            "starting with 1; a landline "
            "needs its area code, e.g. 010-12345678."
        ),
    },
    "phone_too_long": {
        "zh": "号码位数太多：你输入了 {digits} 位。手机号是 11 位（1 开头）。",
        "en": (
            "Too many digits: you typed {digits} {digits:digit|digits}. A mobile number has 11 digits "
            "starting with 1."
        ),
    },
    "phone_invalid": {
        "zh": "这不是有效的电话号码。手机号为 1 开头的 11 位数字（第二位 3–9），座机请带区号。",
        "en": (
            "That is not a valid phone number. Mobiles have 11 digits starting 13–19; landlines need their "
            "area code."
        ),
    },
    "phone_no_area_code": {
        "zh": "座机号码请带区号，如：028-85551234。",
        "en": "A landline needs its area code, e.g. 028-85551234.",
    },
    "address_too_short": {
        "zh": "地址太简略了（至少 {min} 个字）。请写到小区/街道和楼栋门牌，如：朝阳区建国路88号3栋1201。",
        "en": (
            "That address is too short (at least {min} {min:character|characters}). Give the street or "
            "estate and the "
            "building/door, e.g. 3-1201, 88 Jianguo Rd, Chaoyang."
        ),
    },
    "address_too_long": {
        "zh": "地址太长了（最多 {max} 个字）。",
        "en": "That address is too long (at most {max} {max:character|characters}).",
    },
    "address_only_area": {
        "zh": "只写了省/市/区，还不是详细地址。请补充街道/小区和楼栋门牌。",
        "en": (
            "That is only a province/city/district, not a detailed address. Please add the street or estate "
            "and the building/door number."
        ),
    },
    "needs_too_long": {
        "zh": "需求写得太长了（最多 {max} 个字），请简要描述。",
        "en": "That is too long (at most {max} {max:character|characters}); please keep it short.",
    },
    "obtained_in_future": {
        "zh": "获得信息的时间不能晚于现在。",
        "en": "The time the information was obtained cannot be in the future.",
    },
    # --- issue 10 items 5 (input caps), 7 (typed dates and times), 13 (a phone as the address) ---
    "address_is_phone": {
        "zh": "这是电话号码，不是地址。请输入客户的详细地址（小区/街道和楼栋门牌）。",
        "en": (
            "That is a phone number, not an address. Please type the customer's detailed address (street or "
            "estate and building/door)."
        ),
    },
    "reason_too_short": {
        "zh": "请写明理由（至少两个字）。",
        "en": "Please give a reason (at least two characters).",
    },
    "reason_too_long": {
        "zh": "理由太长了（最多 {max} 个字），请简短些。",
        "en": "That reason is too long (at most {max} {max:character|characters}); please keep it short.",
    },
    "team_name_empty": {"zh": "请输入团队名称。", "en": "A team needs a name."},
    "team_name_too_long": {
        "zh": "团队名称太长了（最多 {max} 个字）。",
        "en": "That team name is too long (at most {max} {max:character|characters}).",
    },
    "staff_name_empty": {"zh": "请输入姓名。", "en": "A person needs a name."},
    "staff_name_too_long": {
        "zh": "姓名太长了（最多 {max} 个字）。",
        "en": "That name is too long (at most {max} {max:character|characters}).",
    },
    "ask_obtained_time_today": {
        "zh": "今天几点拿到的？请点选整点，或输入时间，如 9:30",
        "en": "At what time today? Pick the hour, or type the time, e.g. 9:30",
    },
    "date_out_of_reach": {
        "zh": "这个日期离今天太远了，请检查年份。年份可以不写，如 {example}",
        "en": (
            "That date is too far from today; please check the year. You may leave the year out, e.g. "
            "{example}"
        ),
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
        "zh": (
            "⚠️ 这位客户与 {holder} 名下的客户 {other} 姓名和地址相近（可能是同一家庭的另一个号码），"
            "已标记待主管核实。"
        ),
        "en": (
            "⚠️ This customer looks like {other}, held by {holder} (similar name and address, maybe another "
            "number of the same household). Marked for your managers to review."
        ),
    },
    "needs_review_manager": {
        "zh": (
            "⚠️ 可能撞单，请核实：{filer}（{filer_team}）刚报备的客户 {name} {phone}，与 "
            "{holder}（{holder_team}）名下的客户 {other_name} {other_phone} 姓名和地址相近。"
        ),
        "en": (
            "⚠️ Possible duplicate, please review: {filer} ({filer_team}) just filed {name} {phone}, whose "
            "name and address resemble {other_name} {other_phone}, held by {holder} ({holder_team})."
        ),
    },
    "rejected_duplicate": {
        "zh": (
            "❌ 报备未通过：该客户已由 {holder} 于 {since} 报备，仍在保护期内。按“先报先保”，本次报备不生效。"
        ),
        "en": (
            "❌ Not filed: {holder} registered this customer on {since} and the registration is still "
            "protected. First registered, first protected."
        ),
    },
    "rejected_already_yours": {
        "zh": "ℹ️ 这位客户已经在你名下（{since} 报备），不用重复报备。{next}\n发送 /mine 查看你的报备。",
        "en": (
            "ℹ️ This customer is already yours (filed {since}); no need to file again. {next}\nSend /mine to "
            "see your registrations."
        ),
    },
    "rejected_quota": {
        "zh": "❌ 报备未通过：本月报备额度已用完（{used}/{limit}）。成交后名额即刻恢复。",
        "en": "❌ Not filed: this month's quota is used up ({used}/{limit}). A deal frees its slot at once.",
    },
    "rejected_late": {
        "zh": (
            "❌ 报备未通过：获得客户信息（{obtained}）已超过 {hours} 小时，按制度须在 {hours} 小时内报备。"
            "特殊情况请联系部门负责人。"
        ),
        "en": (
            "❌ Not filed: the information was obtained at {obtained}, more than {hours} {hours:hour|hours} "
            "ago; filings "
            "must come within {hours} {hours:hour|hours}. Ask your department head about special cases."
        ),
    },
    "rejected_already_sold": {
        "zh": "❌ 报备未通过：这位客户已经成交，成交后的报备无效。",
        "en": "❌ Not filed: this customer has already bought; registrations after a deal are invalid.",
    },
    "rejected_aftersale_of": {
        "zh": "❌ 报备未通过：这位客户是{holder}的售后客户（{deal}成交），再次购买请联系{holder}。",
        "en": (
            "❌ Not filed: this customer is {holder}'s after-sale customer (deal on {deal}); "
            "for a new purchase, ask {holder}."
        ),
    },
    "rejected_aftersale_left": {
        "zh": (
            "❌ 报备未通过：这位客户是{holder}的售后客户（{deal}成交），{holder}已离职，"
            "再次购买请联系本团队的店长或主管。"
        ),
        "en": (
            "❌ Not filed: this customer is {holder}'s after-sale customer (deal on {deal}); {holder} "
            "has left, so for a new purchase ask the team's manager."
        ),
    },
    "rejected_aftersale_yours": {
        "zh": "❌ 这位客户是你的售后客户（{deal}成交）。再次购买请在 /aftersale 里选这位客户，点“再次购买”。",
        "en": (
            "❌ This customer is your after-sale customer (deal on {deal}). For a new purchase, pick "
            "them in /aftersale and press “New purchase”."
        ),
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
    # --- issue 13: a button whose moment has passed ------------------------------------------------
    "stale_filing": {
        "zh": "这个按钮已过期：那次报备已经结束。要报备客户，请重新发送 /new。",
        "en": "This button has expired: that filing is over. To file a customer, send /new again.",
    },
}
