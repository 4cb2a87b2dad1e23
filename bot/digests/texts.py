"""The words of the daily summary (日报) and of 《意向客户跟踪表》, in Chinese and English; merged
by bot.i18n.catalog.

States reuse `state_<value>`, deadlines `deadline_<kind>`, expected purchase `purchase_<value>`,
follow-up kinds `kind_<value>` from bot.i18n.texts. Section headers are whole HTML lines (bold).
"""

from __future__ import annotations

DIGEST_TEXTS: dict[str, dict[str, str]] = {
    # --- the summary ----------------------------------------------------------------------------
    "digest_title": {
        "zh": "📊 <b>{team} · 每日汇总</b>\n截至 {at}，在跟客户 {count} 位",
        "en": "📊 <b>{team} · daily summary</b>\nAs of {at}: {count} open {count:registration|registrations}",
    },
    "digest_continued": {"zh": "{header}（续）", "en": "{header} (continued)"},
    "digest_none": {"zh": "　无", "en": "   none"},
    "digest_more": {
        "zh": "　……另有 {count} 条，见《意向客户跟踪表》",
        "en": "   …and {count} more: see the tracking sheet",
    },
    "digest_all_clear": {"zh": "✅ 没有待处理的事项。", "en": "✅ Nothing needs attention."},
    "digest_new": {
        "zh": "<b>🆕 今日新报备（{count}）</b>",
        "en": "<b>🆕 New registrations today ({count})</b>",
    },
    "digest_new_line": {
        "zh": "• {holder}：{customer} {phone}，{at}",
        "en": "• {holder}: {customer} {phone}, {at}",
    },
    "digest_follow_ups": {
        "zh": "<b>📞 今日跟进（{count}）</b>",
        "en": "<b>📞 Follow-ups today ({count})</b>",
    },
    "digest_follow_up_line": {
        "zh": "• {name}：{count} 次",
        "en": "• {name}: {count} {count:follow-up|follow-ups}",
    },
    "digest_unknown_staff": {"zh": "非在册人员", "en": "someone not on the roster"},
    "digest_credits": {
        "zh": "<b>💰 今日下定 / 成交（{count}）</b>",
        "en": "<b>💰 Deposits and deals today ({count})</b>",
    },
    "digest_credit_line": {
        "zh": "• {kind}：{customer} {phone}{amount}，业绩归 <b>{credited}</b>，{at}",
        "en": "• {kind}: {customer} {phone}{amount}, credited to <b>{credited}</b>, {at}",
    },
    "digest_amount": {"zh": "，¥{amount}", "en": ", ¥{amount}"},
    "digest_no_credit": {"zh": "（未记录）", "en": "(not recorded)"},
    # issue 10 item 14: a deposit or deal recorded while review is pending (CreditLine.provisional)
    "digest_provisional": {"zh": "（待审核，业绩暂定）", "en": " (pending review, provisional)"},
    "digest_due": {
        "zh": "<b>⏰ 待跟进 / 超期未跟进（按人）</b>",
        "en": "<b>⏰ Follow-ups due / lapsed, by person</b>",
    },
    "digest_due_line": {
        "zh": "• {name}：待跟进 {due}，超期未跟进 {lapsed}",
        "en": "• {name}: {due} due, {lapsed} lapsed",
    },
    "digest_about_to_lapse": {
        "zh": "<b>⚠️ {hours} 小时内将失去保护（{count}）</b>",
        "en": "<b>⚠️ Losing protection within {hours} {hours:hour|hours} ({count})</b>",
    },
    "digest_deadline_line": {
        "zh": "• {holder}：{customer} {phone}，{deadline}",
        "en": "• {holder}: {customer} {phone}, {deadline}",
    },
    "digest_lapsed": {
        "zh": "<b>❌ 超期未跟进，同事可接手（{count}）</b>",
        "en": "<b>❌ Lapsed, colleagues may take over ({count})</b>",
    },
    "digest_lapsed_line": {
        "zh": "• {holder}：{customer} {phone}，{at} 起超期",
        "en": "• {holder}: {customer} {phone}, lapsed since {at}",
    },
    "digest_about_to_expire": {
        "zh": "<b>⏳ {hours} 小时内将失效（{count}）</b>",
        "en": "<b>⏳ Expiring within {hours} {hours:hour|hours} ({count})</b>",
    },
    "digest_expired": {"zh": "<b>⛔ 今日失效（{count}）</b>", "en": "<b>⛔ Expired today ({count})</b>"},
    "digest_expired_line": {
        "zh": "• {holder}：{customer} {phone}，{at} 失效",
        "en": "• {holder}: {customer} {phone}, expired {at}",
    },
    "digest_rejected_duplicates": {
        "zh": "<b>🚫 今日撞单被拒（{count}）</b>",
        "en": "<b>🚫 Duplicate filings rejected today ({count})</b>",
    },
    "digest_rejected_duplicate_line": {
        "zh": "• {at} {filer} 报备的客户 {customer} 已由 {holder} 报备在先",
        "en": "• {at} {filer} filed {customer}, a customer {holder} already holds",
    },
    "digest_rejected_duplicates_repeated": {
        "zh": "• {filer}：{count} 次撞单，客户 {customer} 已由 {holder} 报备在先（{first} 至 {at}）",
        "en": (
            "• {filer}: {count} duplicate {count:attempt|attempts} on {customer}, a customer {holder} "
            "already holds ({first} to {at})"
        ),
    },
    "digest_customer_unknown": {"zh": "某客户", "en": "a customer"},
    "digest_holder_unknown": {"zh": "他人", "en": "someone else"},
    "digest_possible_duplicates": {
        "zh": "<b>🔍 疑似撞单待确认（{count}）</b>",
        "en": "<b>🔍 Possible duplicates to confirm ({count})</b>",
    },
    "digest_possible_duplicate_line": {
        "zh": "• {holder}：{customer} {phone}，{at} 报备，与 {other} 的客户相似",
        "en": "• {holder}: {customer} {phone}, filed {at}, resembles a customer of {other}",
    },
    "digest_pending_reviews": {
        "zh": "<b>📝 待审核的报备（{count}）</b>",
        "en": "<b>📝 Filings awaiting review ({count})</b>",
    },
    "digest_pending_review_line": {
        "zh": "• {holder}：{customer} {phone}，{at} 报备",
        "en": "• {holder}: {customer} {phone}, filed {at}",
    },
    "digest_quota": {"zh": "<b>📈 本月报备额度</b>", "en": "<b>📈 This month's quota</b>"},
    "digest_quota_line": {"zh": "• {name}：已用 {used}/{limit}", "en": "• {name}: {used} of {limit} used"},
    "digest_quota_full": {"zh": "（已满）", "en": " (full)"},
    "digest_extensions": {
        "zh": "<b>🕒 待审批的延期申请（{count}）</b>",
        "en": "<b>🕒 Extension requests awaiting a decision ({count})</b>",
    },
    "digest_extension_line": {
        "zh": "• {holder}：{customer} {phone}，{at} 申请{reason}",
        "en": "• {holder}: {customer} {phone}, asked {at}{reason}",
    },
    "digest_extension_reason": {"zh": "，理由：{reason}", "en": ", reason: {reason}"},
    # --- 《意向客户跟踪表》 ----------------------------------------------------------------------
    "digest_sheet_title": {"zh": "意向客户跟踪表", "en": "Intent customers"},
    "digest_sheet_heading": {
        "zh": "{team} 意向客户跟踪表　{date}　截至 {time}",
        "en": "{team} · intent customers · {date} · as of {time}",
    },
    "digest_page_footer": {"zh": "第 &P 页 / 共 &N 页", "en": "Page &P of &N"},
    "digest_col_number": {"zh": "序号", "en": "No."},
    "digest_workbook_title": {"zh": "{team} 意向客户跟踪表 {date}", "en": "{team} intent customers {date}"},
    "digest_col_customer": {"zh": "客户姓名", "en": "Customer"},
    "digest_col_phone": {"zh": "电话", "en": "Phone"},
    "digest_col_address": {"zh": "地址", "en": "Address"},
    "digest_col_needs": {"zh": "需求", "en": "Needs"},
    "digest_col_purchase": {"zh": "预计采购时间", "en": "Expected purchase"},
    "digest_col_holder": {"zh": "报备人", "en": "Registered by"},
    "digest_col_filed": {"zh": "报备时间", "en": "Filed at"},
    "digest_col_last_follow_up": {"zh": "最近跟进", "en": "Last follow-up"},
    "digest_col_state": {"zh": "状态", "en": "State"},
    "digest_col_deadline": {"zh": "下一截止", "en": "Next deadline"},
    "digest_col_deadline_at": {"zh": "截止时间", "en": "Deadline at"},
    "digest_last_follow_up": {"zh": "{kind}　{at}", "en": "{kind}, {at}"},
    "digest_kind_call": {"zh": "电话", "en": "call"},
    "digest_kind_message": {"zh": "微信/短信", "en": "message"},
    "digest_kind_store_visit": {"zh": "到店", "en": "store visit"},
    "digest_kind_home_visit": {"zh": "上门拜访", "en": "home visit"},
    "digest_kind_measurement": {"zh": "上门量尺", "en": "measurement"},
    "digest_kind_quote": {"zh": "报价", "en": "quote"},
    "digest_kind_deposit": {"zh": "下定", "en": "deposit"},
    "digest_kind_deal": {"zh": "成交", "en": "deal"},
    "digest_kind_lost": {"zh": "流失", "en": "lost"},
    "digest_kind_note": {"zh": "备注", "en": "note"},
    "digest_state_pending_review": {"zh": "待审核", "en": "pending review"},
    "digest_challenging": {"zh": "{state}（接手申请）", "en": "{state} (takeover challenge)"},
    "digest_deadline_follow_up": {"zh": "跟进", "en": "follow up"},
    "digest_deadline_lapse": {"zh": "跟进，否则失去保护", "en": "follow up or lose protection"},
    "digest_deadline_expiry": {
        "zh": "量尺或下定，否则失效",
        "en": "measure or take a deposit, or it expires",
    },
    # --- the workbook's second sheet: the day's figures, as in the summary ---------------------
    "digest_summary_sheet": {"zh": "日报汇总", "en": "Summary"},
    "digest_summary_heading": {
        "zh": "{team} 每日汇总　{date}　截至 {time}",
        "en": "{team} · daily summary · {date} · as of {time}",
    },
    "digest_summary_col_item": {"zh": "项目", "en": "Item"},
    "digest_summary_col_count": {"zh": "数量", "en": "Count"},
    "digest_summary_open": {"zh": "在跟客户", "en": "Open registrations"},
    "digest_summary_new": {"zh": "今日新报备", "en": "New registrations today"},
    "digest_summary_follow_ups": {"zh": "今日跟进", "en": "Follow-ups today"},
    "digest_summary_credits": {"zh": "今日下定 / 成交", "en": "Deposits and deals today"},
    "digest_summary_due": {"zh": "待跟进", "en": "Follow-ups due"},
    "digest_summary_lapsed": {"zh": "超期未跟进，同事可接手", "en": "Lapsed, colleagues may take over"},
    "digest_summary_about_to_lapse": {
        "zh": "{hours} 小时内将失去保护",
        "en": "Losing protection within {hours} {hours:hour|hours}",
    },
    "digest_summary_about_to_expire": {
        "zh": "{hours} 小时内将失效",
        "en": "Expiring within {hours} {hours:hour|hours}",
    },
    "digest_summary_expired": {"zh": "今日失效", "en": "Expired today"},
    "digest_summary_rejected": {"zh": "今日撞单被拒", "en": "Duplicate filings rejected today"},
    "digest_summary_possible": {"zh": "疑似撞单待确认", "en": "Possible duplicates to confirm"},
    "digest_summary_reviews": {"zh": "待审核的报备", "en": "Filings awaiting review"},
    "digest_summary_extensions": {"zh": "待审批的延期申请", "en": "Extension requests awaiting a decision"},
    "digest_summary_unreachable": {
        "zh": "提醒发不出去的人（请当面提醒）",
        "en": "People reminders could not reach (tell them in person)",
    },
    "digest_summary_by_person": {"zh": "今日跟进（按人）", "en": "Follow-ups today, by person"},
    "digest_summary_due_by_person": {
        "zh": "待跟进 / 超期未跟进（按人）",
        "en": "Follow-ups due / lapsed, by person",
    },
    "digest_summary_quota": {"zh": "本月报备额度", "en": "This month's quota"},
    "digest_summary_col_name": {"zh": "姓名", "en": "Name"},
    "digest_summary_col_times": {"zh": "次数", "en": "Follow-ups"},
    "digest_summary_col_due": {"zh": "待跟进", "en": "Due"},
    "digest_summary_col_lapsed": {"zh": "超期未跟进", "en": "Lapsed"},
    "digest_summary_col_used": {"zh": "已用", "en": "Used"},
    "digest_summary_col_limit": {"zh": "额度", "en": "Quota"},
    "digest_summary_legend": {
        "zh": "《意向客户跟踪表》中：红色行已超期未跟进或已失效，黄色行待跟进。",
        "en": "In the tracking sheet: red rows are lapsed or expired, yellow rows have a follow-up due.",
    },
    "digest_unreachable": {
        "zh": "📵 提醒发不出去（已屏蔽机器人，请当面提醒）：{count} 人",
        "en": (
            "📵 Reminders could not reach {count} {count:person|people} "
            "(they blocked the bot; tell them in person):"
        ),
    },
    # --- after-sale (issue 14): the summary's section and the workbook's sheet ---------------
    "digest_as_contacts": {
        "zh": "<b>🤝 售后联系：今日到期 / 已超期（{count}）</b>",
        "en": "<b>🤝 After-sale contacts due today or overdue ({count})</b>",
    },
    "digest_as_contact_line": {
        "zh": "• {holder}：{customer} {phone}，{kind}，截止 {at}{overdue}",
        "en": "• {holder}: {customer} {phone}, {kind}, due {at}{overdue}",
    },
    "digest_as_first_contact": {
        "zh": "首次联系",
        "en": "first contact",
    },
    "digest_as_monthly_contact": {
        "zh": "定期沟通",
        "en": "monthly contact",
    },
    "digest_as_problem": {
        "zh": "问题",
        "en": "problem",
    },
    "digest_as_need": {
        "zh": "需求",
        "en": "need",
    },
    "digest_as_overdue": {
        "zh": "（已超期）",
        "en": " (overdue)",
    },
    "digest_as_items": {
        "zh": "<b>🛠 售后未解决的问题 / 需求（{count}）</b>",
        "en": "<b>🛠 After-sale problems and needs open ({count})</b>",
    },
    "digest_as_item_line": {
        "zh": "• {holder}：{customer} {phone}，{kind} {count} 项，最早截止 {at}{overdue}",
        "en": "• {holder}: {customer} {phone}, {kind} ×{count}, earliest due {at}{overdue}",
    },
    "digest_as_scores": {
        "zh": "<b>⭐ 今日满意度（{count}）</b>",
        "en": "<b>⭐ Satisfaction scores today ({count})</b>",
    },
    "digest_as_score_line": {
        "zh": "• {holder}：{customer} {phone}，{score} 分",
        "en": "• {holder}: {customer} {phone}, {score}/5",
    },
    "digest_as_sheet_title": {
        "zh": "售后跟踪",
        "en": "After-sale",
    },
    "digest_as_sheet_heading": {
        "zh": "{team} 售后跟踪表　{date}　截至 {time}",
        "en": "{team} · after-sale care · {date} · as of {time}",
    },
    "digest_as_col_deal": {
        "zh": "成交时间",
        "en": "Deal date",
    },
    "digest_as_col_first_contact": {
        "zh": "首次联系",
        "en": "First contact",
    },
    "digest_as_col_next_contact": {
        "zh": "下次联系截止",
        "en": "Next contact due",
    },
    "digest_as_col_open": {
        "zh": "未解决问题 / 需求",
        "en": "Open problems / needs",
    },
    "digest_as_col_satisfaction": {
        "zh": "满意度",
        "en": "Satisfaction",
    },
    "digest_as_col_state": {
        "zh": "状态",
        "en": "Status",
    },
    "digest_as_first_done": {
        "zh": "已联系 {at}",
        "en": "done {at}",
    },
    "digest_as_first_due": {
        "zh": "截止 {at}",
        "en": "due {at}",
    },
    "digest_as_open_cell": {
        "zh": "{count} 项，最早截止 {at}",
        "en": "{count}, earliest due {at}",
    },
    "digest_as_state_overdue": {
        "zh": "已超期",
        "en": "overdue",
    },
    "digest_as_state_on_time": {
        "zh": "按期",
        "en": "on time",
    },
}
