"""Recording a follow-up (/follow): kinds, questions, confirmations. Gathered by bot.i18n.catalog."""

from __future__ import annotations

FOLLOW_UP_TEXTS: dict[str, dict[str, str]] = {
    # --- follow-ups (/follow) ----------------------------------------------------------------
    "cmd_follow": {"zh": "记录跟进", "en": "Record a follow-up"},
    "cmd_extend": {"zh": "申请延期", "en": "Ask for an extension"},
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
        "en": "Too long (at most {max} {max:character|characters}); please keep it short.",
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
        "en": (
            "That amount is not right: type a number above 0 with at most two decimals, e.g. 12800 or "
            "3500.50."
        ),
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
        "en": (
            "This registration awaits review: the deal is provisional; on approval it closes and the credit "
            "is yours, on rejection it is void."
        ),
    },
    "warning_deposit_pending": {
        "zh": "这条报备待主管审核：下定先记为暂定，审核通过后业绩才记入你名下；驳回则作废。",
        "en": (
            "This registration awaits review: the deposit is provisional; the credit is yours only once it "
            "is approved, and void if rejected."
        ),
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
    "refused_amount_too_large": {"zh": "❌ 金额太大了。", "en": "❌ That amount is too large."},
    "amount_too_large": {
        "zh": "金额太大了：最多 ¥{max}。请检查是否多输了位数，再输入一次。",
        "en": "That amount is too large: at most ¥{max}. Check for an extra digit and type it again.",
    },
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
    # --- issue 13: a button whose moment has passed ------------------------------------------------
    "stale_follow_up": {
        "zh": "这个按钮已过期：那次跟进已经结束。要记录跟进，请重新发送 /follow。",
        "en": "This button has expired: that follow-up is over. To record one, send /follow again.",
    },
    "follow_gone": {
        "zh": "这条报备已有变化（已结束，或已不在你名下），不能再记录跟进。发送 /follow 查看你现在的报备。",
        "en": (
            "This registration has changed (it ended, or you no longer hold it); nothing can be recorded on "
            "it. Send /follow to see the registrations you hold now."
        ),
    },
}
