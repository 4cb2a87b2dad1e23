"""The words of after-sale care (RULES §7), in Chinese and English; gathered by bot.i18n.catalog.

Refusals are `refused_<domain.registrations.Refusal>` like the follow-ups' own.
"""

from __future__ import annotations

AFTERSALE_TEXTS: dict[str, dict[str, str]] = {
    # --- repeat purchase (domain.resale) ------------------------------------------------------
    "as_action_resale": {"zh": "🛒 再次购买", "en": "🛒 New purchase"},
    "as_resale_done": {
        "zh": "✅ 已为{name}开立新的报备（再次购买），报备人：{holder}。{next}",
        "en": "✅ A new registration is open for {name} (new purchase), held by {holder}. {next}",
    },
    "refused_resale_not_entitled": {
        "zh": "❌ 只有这位客户的报备人可以开立再次购买；报备人离职后，由本团队的店长或主管指定同事接手。",
        "en": (
            "❌ Only the customer's holder can open a new purchase; once the holder has left, a manager "
            "of the team names the colleague who takes it."
        ),
    },
    "refused_resale_window_over": {
        "zh": "❌ 成交已超过再次购买的期限：请按新客户用 /new 报备。",
        "en": "❌ The deal is older than the repeat-purchase window: file them as a new customer with /new.",
    },
    "refused_customer_open": {
        "zh": "❌ 这位客户已有一条有效的报备，不能再开立。",
        "en": "❌ This customer already has a valid registration; no second one can be opened.",
    },
    "refused_holder_needed": {
        "zh": "❌ 原报备人已离职：请指定由哪位同事接手。",
        "en": "❌ The holder has left: name the colleague who takes the customer.",
    },
    "refused_bad_holder": {
        "zh": "❌ 只能交给本团队在职的导购或业务员；原报备人仍在职时由其本人接手。",
        "en": (
            "❌ Only an active store guide or salesperson of the team can take it; while the holder "
            "is still here, it is theirs."
        ),
    },
    "refused_quota_full": {
        "zh": "❌ 本月报备额度已用完，不能再开立新的报备。",
        "en": "❌ This month's quota is used up; no new registration can be opened.",
    },
    "refused_not_carer": {
        "zh": "❌ 只有报备人或本团队的客服可以记录这位客户的售后。",
        "en": "❌ Only the holder or the team's customer service can record this customer's after-sale care.",
    },
    "refused_not_won": {
        "zh": "❌ 这条报备还没有成交（当前：{state}），成交后才有售后。",
        "en": "❌ This registration is not won (now: {state}); after-sale care starts with the deal.",
    },
    "refused_care_ended": {
        "zh": "❌ 这位客户的售后期已结束，不能再记录。",
        "en": "❌ After-sale care for this customer has ended; nothing more can be recorded.",
    },
    "refused_note_required": {
        "zh": "❌ 请写明客户的问题或需求。",
        "en": "❌ Say what the customer's problem or need is.",
    },
    "refused_bad_score": {
        "zh": "❌ 满意度是 1 到 5 分。",
        "en": "❌ Satisfaction is a score from 1 to 5.",
    },
    "refused_already_rated": {
        "zh": "❌ 这位客户的满意度已经记录过了。",
        "en": "❌ This customer's satisfaction is recorded already.",
    },
    "refused_no_open_item": {
        "zh": "❌ 没有未处理的问题或需求。",
        "en": "❌ There is no open problem or need.",
    },
    "refused_no_such_item": {
        "zh": "❌ 这位客户没有这一项问题或需求。",
        "en": "❌ This customer has no such problem or need.",
    },
    "refused_item_closed": {
        "zh": "❌ 这一项已经处理完了。",
        "en": "❌ That one is dealt with already.",
    },
    "refused_which_item": {
        "zh": "❌ 有几项未处理，请选择是哪一项。",
        "en": "❌ Several are open; choose which one.",
    },
    "cmd_aftersale": {"zh": "售后客户", "en": "After-sale customers"},
    "example_aftersale": {
        "zh": "回访了成交客户，发送 /aftersale，选客户，点「📞 联系客户」",
        "en": "after calling a customer who bought, send /aftersale, pick them, press “📞 Contact”",
    },
    "as_button": {"zh": "🧾 售后", "en": "🧾 After-sale"},
    "as_none": {
        "zh": "你目前没有售后客户。客户成交后会出现在这里。",
        "en": "You have no after-sale customers now. Customers appear here once they buy.",
    },
    "as_list": {
        "zh": "🧾 你的售后客户（{count} 位，先到期的在前）：",
        "en": "🧾 Your after-sale customers ({count}, soonest due first):",
    },
    "as_list_line": {
        "zh": "{n}. <b>{name}</b> ·{digits} — {due}",
        "en": "{n}. <b>{name}</b> ·{digits} — {due}",
    },
    "as_pick": {"zh": "选择一位客户：", "en": "Pick a customer:"},
    "as_due_first_contact": {"zh": "首次回访 {day}前", "en": "first contact by {day}"},
    "as_due_contact": {"zh": "定期回访 {day}前", "en": "monthly contact by {day}"},
    "as_due_problem": {"zh": "解决问题 {day}前", "en": "solve a problem by {day}"},
    "as_due_need": {"zh": "满足需求 {day}前", "en": "meet a need by {day}"},
    "as_overdue": {"zh": "⚠️ 已逾期", "en": "⚠️ overdue"},
    "as_due_nothing": {"zh": "暂无待办", "en": "nothing due"},
    "as_header": {
        "zh": "<b>{name}</b> {phone}\n{dues}\n{satisfaction}",
        "en": "<b>{name}</b> {phone}\n{dues}\n{satisfaction}",
    },
    "as_satisfaction_none": {"zh": "满意度：还没有记录", "en": "Satisfaction: not recorded yet"},
    "as_satisfaction": {"zh": "满意度：{score} 分", "en": "Satisfaction: {score} of 5"},
    "as_ask_action": {"zh": "要记录什么？", "en": "What do you want to record?"},
    "as_action_contact": {"zh": "📞 联系客户", "en": "📞 Contact"},
    "as_action_problem": {"zh": "⚠️ 记录问题", "en": "⚠️ Problem"},
    "as_action_need": {"zh": "📝 记录需求", "en": "📝 Need"},
    "as_action_solved": {"zh": "✅ 问题已解决", "en": "✅ Problem solved"},
    "as_action_met": {"zh": "✅ 需求已满足", "en": "✅ Need met"},
    "as_action_satisfaction": {"zh": "⭐ 满意度", "en": "⭐ Satisfaction"},
    "as_action_birthday": {"zh": "🎂 生日", "en": "🎂 Birthday"},
    "as_ask_birthday": {
        "zh": "客户的生日是哪天？例如 3-15、3月15日 或 1990-03-15（年份可以不写）。",
        "en": "When is the customer's birthday? For example 3-15 or 1990-03-15 (the year is optional).",
    },
    "as_bad_birthday_format": {
        "zh": "❌ 没看懂这个日期：请写月和日，例如 3-15 或 3月15日。",
        "en": "❌ That is not a date: write the month and the day, for example 3-15.",
    },
    "as_bad_birthday_no_such_day": {
        "zh": "❌ 没有这一天（比如 2-30）：请检查月和日，例如 3-15。",
        "en": "❌ There is no such day (like 2-30): check the month and the day, for example 3-15.",
    },
    "as_bad_birthday_future": {
        "zh": "❌ 出生年份不能晚于今天：请检查年份，或只写月和日。",
        "en": "❌ The year of birth cannot be in the future: check it, or give only the month and day.",
    },
    "as_confirm_birthday": {"zh": "\n生日：{birthday}", "en": "\nBirthday: {birthday}"},
    "as_ask_contact_note": {
        "zh": "这次联系聊了什么？写一句备注，或点「跳过」。",
        "en": "What did you talk about? Write a short note, or press “Skip”.",
    },
    "as_ask_problem_note": {
        "zh": "客户遇到了什么问题？请写明（必填）。",
        "en": "What problem does the customer have? Describe it (required).",
    },
    "as_ask_need_note": {
        "zh": "客户有什么需求？请写明（必填）。",
        "en": "What does the customer need? Describe it (required).",
    },
    "as_ask_close_note": {
        "zh": "是怎么处理的？写一句备注，或点「跳过」。",
        "en": "How was it dealt with? Write a short note, or press “Skip”.",
    },
    "as_ask_item": {
        "zh": "有几项还没处理，选择是哪一项：",
        "en": "Several are open; choose which one:",
    },
    "as_ask_score_first": {
        "zh": "这是首次回访：请客户给服务打分（1 到 5 分，5 分最满意），或点「跳过」。",
        "en": "This is the first contact: ask the customer for a score (1 to 5, 5 is best), or press “Skip”.",
    },
    "as_ask_score": {
        "zh": "客户给服务打几分？（1 到 5 分，5 分最满意）",
        "en": "What score does the customer give? (1 to 5, 5 is best)",
    },
    "as_bad_score": {
        "zh": "❌ 满意度是 1 到 5 分：请点上面的按钮，或发送一个数字 1–5。",
        "en": "❌ Satisfaction is a score from 1 to 5: press a button above or send a digit 1–5.",
    },
    "as_score_label": {"zh": "{score} 分", "en": "{score} ★"},
    "as_ask_comment": {
        "zh": "客户还有什么评价？写一句，或点「跳过」。",
        "en": "Any comment from the customer? Write it, or press “Skip”.",
    },
    "as_confirm": {
        "zh": "请确认：\n客户：<b>{name}</b>\n记录：{action}{details}",
        "en": "Please confirm:\nCustomer: <b>{name}</b>\nRecord: {action}{details}",
    },
    "as_confirm_note": {"zh": "\n备注：{note}", "en": "\nNote: {note}"},
    "as_confirm_item": {"zh": "\n事项：{item}", "en": "\nItem: {item}"},
    "as_confirm_score": {"zh": "\n满意度：{score} 分", "en": "\nSatisfaction: {score} of 5"},
    "as_confirm_comment": {"zh": "\n评价：{comment}", "en": "\nComment: {comment}"},
    "as_saved": {"zh": "✅ 已记录「{action}」：{name}。", "en": "✅ Recorded “{action}” for {name}."},
    "as_next_contact": {"zh": "下次回访：{day}之前", "en": "Next contact by {day}"},
    "as_no_contact_due": {
        "zh": "售后期内不再需要回访。",
        "en": "No more contact is due before after-sale care ends.",
    },
    "as_open_items": {
        "zh": "未处理的问题和需求：{count} 项，最早 {day}之前",
        "en": "{count} open {count:problem or need|problems or needs}, the first by {day}",
    },
    "as_cancelled": {"zh": "已取消，什么也没有记录。", "en": "Cancelled; nothing was recorded."},
    "as_gone": {
        "zh": "这位客户已不在你的售后名单上，请重新发送 /aftersale。",
        "en": "This customer is no longer on your after-sale list; send /aftersale again.",
    },
    "stale_aftersale": {
        "zh": "这个按钮已过期：那次售后记录已经结束。请重新发送 /aftersale。",
        "en": "This button has expired: that after-sale record is over. Send /aftersale again.",
    },
}
