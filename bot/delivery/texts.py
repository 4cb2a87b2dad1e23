"""What the bot says unasked: reminders, takeover news, notices. Gathered by bot.i18n.catalog."""

from __future__ import annotations

DELIVERY_TEXTS: dict[str, dict[str, str]] = {
    # --- reminders (RULES §5) -------------------------------------------------------------------
    "reminder_follow_up": {
        "zh": "⏰ 跟进提醒：客户 <b>{name}</b>（{phone}）请在 {at} 前跟进（每 {every} 天至少跟进一次）。",
        "en": (
            "⏰ Follow-up reminder: <b>{name}</b> ({phone}) needs a follow-up by {at} (at least every "
            "{every} {every:day|days})."
        ),
    },
    "reminder_lapse": {
        "zh": (
            "⚠️ 即将失去保护：客户 <b>{name}</b>（{phone}）到 {at} 就满 {days} 天未跟进，"
            "之后同事可以报备接手。请马上跟进！"
        ),
        "en": (
            "⚠️ About to lose protection: <b>{name}</b> ({phone}) reaches {days} {days:day|days} without a "
            "follow-up at "
            "{at}; after that a colleague can take the customer over. Follow up now!"
        ),
    },
    "reminder_expiry": {
        "zh": "⌛ 即将失效：业务报备 <b>{name}</b>（{phone}）须在 {at} 前上门量尺或下定，否则自动失效。",
        "en": (
            "⌛ About to expire: field registration <b>{name}</b> ({phone}) needs a measurement or a deposit "
            "by {at}, or it expires."
        ),
    },
    "record_measurement": {"zh": "📐 记录量尺/下定", "en": "📐 Record measurement/deposit"},
    "ask_extension_button": {"zh": "🕒 申请延期", "en": "🕒 Ask for an extension"},
    # --- after-sale reminders and misses (RULES §7, domain.aftersale_reminders) -----------------
    "asr_as_first_contact": {
        "zh": (
            "🤝 售后提醒：客户 <b>{name}</b>（{phone}）已成交，请在成交后 {days} 个工作日内联系客户"
            "（{at} 前）。"
        ),
        "en": (
            "🤝 After-sale: <b>{name}</b> ({phone}) has bought. Contact your customer within {days} "
            "working {days:day|days} of the deal (by {at})."
        ),
    },
    "asr_as_contact": {
        "zh": "📞 售后定期沟通：请在 {at} 前联系客户 <b>{name}</b>（{phone}）（每 {every} 天一次）。",
        "en": (
            "📞 After-sale contact due: call <b>{name}</b> ({phone}) by {at} (once every {every} "
            "{every:day|days})."
        ),
    },
    "asr_as_problem": {
        "zh": "🛠 售后问题待解决：客户 <b>{name}</b>（{phone}）的问题“{note}”须在 {at} 前解决。",
        "en": "🛠 After-sale problem to solve: <b>{name}</b> ({phone}), “{note}”, due by {at}.",
    },
    "asr_as_need": {
        "zh": "📝 客户需求待满足：客户 <b>{name}</b>（{phone}）的需求“{note}”须在 {at} 前满足。",
        "en": "📝 Customer need to meet: <b>{name}</b> ({phone}), “{note}”, due by {at}.",
    },
    "asr_planned_contact": {
        "zh": "📅 计划联系：你计划在 {at} 联系客户 <b>{name}</b>（{phone}）。",
        "en": "📅 Planned contact: you planned to contact <b>{name}</b> ({phone}) at {at}.",
    },
    "asr_as_first_contact_missed": {
        "zh": "⚠️ 售后首次联系超时：{holder} 未在 {at} 前联系已成交客户 {name}（{phone}）。",
        "en": "⚠️ After-sale first contact missed: {holder} did not contact {name} ({phone}) by {at}.",
    },
    "asr_as_problem_missed": {
        "zh": "⚠️ 售后问题超时未解决：{holder} 的客户 {name}（{phone}）的问题“{note}”应在 {at} 前解决。",
        "en": (
            "⚠️ After-sale problem overdue: {holder}'s customer {name} ({phone}), “{note}”, was due by {at}."
        ),
    },
    "asr_as_need_missed": {
        "zh": "⚠️ 客户需求超时未满足：{holder} 的客户 {name}（{phone}）的需求“{note}”应在 {at} 前满足。",
        "en": "⚠️ Customer need overdue: {holder}'s customer {name} ({phone}), “{note}”, was due by {at}.",
    },
    "asr_open_button": {"zh": "🤝 打开售后记录", "en": "🤝 Open after-sale care"},
    # --- care days (客户关怀, domain.care_days): the working day before, to the holder ----------
    "care_day_festival": {
        "zh": "🎉 客户关怀：{day}是{festival}，别忘了向你的售后客户送上节日问候（共 {count} 位）：",
        "en": (
            "🎉 Customer care: {day} is {festival}. Remember to send your after-sale customers a greeting "
            "({count} {count:customer|customers}):"
        ),
    },
    "care_day_birthday": {
        "zh": "🎂 客户关怀：{day}是这些售后客户的生日，别忘了送上生日祝福（共 {count} 位）：",
        "en": (
            "🎂 Customer care: {day} is the birthday of {count} {count:customer|customers} in your "
            "after-sale care. Remember to wish them a happy birthday:"
        ),
    },
    "care_day_line": {"zh": "• {name}（{phone}）", "en": "• {name} ({phone})"},
    "care_day_more": {"zh": "……另有 {count} 位", "en": "… and {count} more"},
    # --- takeover and other news the bot brings unasked ---------------------------------------------
    "accepted_challenge": {
        "zh": (
            "⚠️ {holder} 的这条报备已超过 {days} 天未跟进。你的报备作为“接手申请”受理：如果你在 {holder} "
            "跟进之前记录下定或成交，客户归你；如果 {holder} 先跟进，你的申请作废。"
        ),
        "en": (
            "⚠️ {holder}'s registration of this customer has had no follow-up for {days} {days:day|days}. "
            "Yours is "
            "accepted as a takeover challenge: record a deposit or deal before {holder} follows up and the "
            "customer is yours; if {holder} follows up first, your challenge is dropped."
        ),
    },
    "notice_challenged": {
        "zh": (
            "⚠️ 你的客户 {name}（{phone}）已超过 {days} 天未跟进，{other} 刚刚报备了这位客户。"
            "请尽快跟进（/follow），否则对方下定后客户归对方。"
        ),
        "en": (
            "⚠️ Your customer {name} ({phone}) has had no follow-up for {days} {days:day|days} and {other} "
            "has just "
            "filed them. Follow up now (/follow), or the customer is theirs once they record a deposit."
        ),
    },
    "notice_taken_over": {
        "zh": (
            "❌ 你的客户 {name}（{phone}）超期未跟进，{other} 已下定接手。你的报备作废（超期被接手），"
            "业绩不属于你。如有异议请联系部门负责人。"
        ),
        "en": (
            "❌ Your customer {name} ({phone}) went without follow-up and {other} has taken them over with a "
            "deposit. Your registration is void (lapsed takeover) and the credit is not yours. Ask your "
            "department head if you disagree."
        ),
    },
    "notice_challenge_dropped": {
        "zh": "ℹ️ {other} 已跟进客户 {name}，你的接手申请作废（原报备人已恢复跟进），不占用你的本月额度。",
        "en": (
            "ℹ️ {other} has followed up {name}, so your takeover challenge is dropped (holder resumed). It "
            "does not count against your monthly quota."
        ),
    },
    "rejected_refile_cooldown": {
        "zh": "❌ 报备未通过：这位客户是你的报备，于 {expired} 失效，{days} 天内不能重新报备。",
        "en": (
            "❌ Not filed: this customer's registration of yours expired on {expired}; it cannot be re-filed "
            "within {days} {days:day|days}."
        ),
    },
    "refile_cooldown_extend": {
        "zh": "需要更多时间请用 /extend 申请延期。",
        "en": " Use /extend to ask for more time instead.",
    },
    # --- issue 10 item 14: a deposit or deal recorded while review is pending is provisional -----
    "provisional_credit": {"zh": "⏳ {state}，业绩暂定", "en": "⏳ {state}, credit provisional"},
}
