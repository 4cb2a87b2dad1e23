"""The words of /history (a customer's timeline), in Chinese and English; gathered by bot.i18n.catalog.

States reuse `state_<value>`, follow-up kinds `kind_<value>` and deadlines `deadline_<kind>` from
bot.i18n.texts.
"""

from __future__ import annotations

HISTORY_TEXTS: dict[str, dict[str, str]] = {
    # --- the dialog -------------------------------------------------------------------------------
    "history_ask_phone": {
        "zh": "🔎 查询客户记录：请输入客户电话（任意格式，如 138 0013 8000）。发送 /cancel 取消。",
        "en": (
            "🔎 Customer record: type the customer's phone number (any format, e.g. 138 0013 8000). Send "
            "/cancel to stop."
        ),
    },
    "history_not_entitled": {
        "zh": "只有店长、业务主管、部门负责人和运营经理可以查询客户记录。",
        "en": (
            "Only store managers, sales supervisors, department heads and operations managers can look up "
            "customer records."
        ),
    },
    "history_nothing": {
        "zh": "没有你可以查看的记录。",
        "en": "There is no record you can see.",
    },
    "history_cancelled": {"zh": "已取消查询。", "en": "Lookup cancelled."},
    # --- the timeline -----------------------------------------------------------------------------
    "history_header": {"zh": "📋 客户 {phone} 的记录", "en": "📋 Record of customer {phone}"},
    "history_registrations": {"zh": "<b>报备（{count} 个）</b>", "en": "<b>Registrations ({count})</b>"},
    "history_registration": {
        "zh": "#{id} {name} — 报备人 {holder}（{team}），{filed} 报备；当前：<b>{state}</b>",
        "en": "#{id} {name} — held by {holder} ({team}), filed {filed}; now: <b>{state}</b>",
    },
    "history_challenging": {
        "zh": "（对 #{id} 的接手申请，尚未生效）",
        "en": " (challenging #{id}, not yet holding)",
    },
    # issue 10 item 14: a deposit or deal recorded while review is pending
    "history_provisional": {"zh": "（{state}，业绩暂定）", "en": " ({state}, credit provisional)"},
    "history_address": {"zh": "　地址：{address}", "en": "   Address: {address}"},
    "history_masked": {
        "zh": "　其他团队的客户，资料已隐藏",
        "en": "   another team's customer: details hidden",
    },
    "history_timeline": {"zh": "<b>经过（按时间先后）</b>", "en": "<b>What happened, in order</b>"},
    "history_line": {"zh": "{at} {actor}：{what}", "en": "{at} {actor}: {what}"},
    "history_unknown_staff": {"zh": "非在册人员", "en": "someone not on the roster"},
    "history_amount": {"zh": "金额 ¥{amount}", "en": "amount ¥{amount}"},
    "history_note": {"zh": "备注：{text}", "en": "note: {text}"},
    "history_reason": {"zh": "理由：{text}", "en": "reason: {text}"},
    "history_next_contact": {"zh": "计划下次联系 {at}", "en": "next contact planned {at}"},
    # --- what happened: filing attempts and registration events ---------------------------------
    "history_entry_filing_accepted": {
        "zh": "报备客户 {name}，通过（#{id}）",
        "en": "filed customer {name}: accepted (#{id})",
    },
    "history_entry_filing_rejected": {
        "zh": "报备客户 {name}，未通过：{reason}",
        "en": "filed customer {name}: rejected, {reason}",
    },
    "history_entry_filed": {"zh": "报备 #{id}", "en": "filed #{id}"},
    "history_entry_follow_up": {"zh": "跟进 #{id}：{kind}", "en": "follow-up on #{id}: {kind}"},
    "history_entry_challenged": {
        "zh": "#{id} 超期未跟进，申请接手",
        "en": "#{id} had lapsed; filed to take the customer over",
    },
    "history_entry_challenge_dropped": {
        "zh": "原报备人恢复跟进，接手申请 #{id} 撤销",
        "en": "the holder resumed first; challenge #{id} dropped",
    },
    "history_entry_taken_over": {
        "zh": "接手 #{id}（超期未跟进），原报备作废",
        "en": "took #{id} over (it had lapsed); it is void",
    },
    "history_entry_took_over": {
        "zh": "#{id} 接手成功，{other} 的原报备作废",
        "en": "#{id} took the customer over from {other}",
    },
    "history_entry_released": {
        "zh": "#{id} 已失效，客户由同事重新报备",
        "en": "#{id} had expired; a colleague filed the customer",
    },
    "history_entry_extension_requested": {"zh": "#{id} 申请延期", "en": "asked to extend #{id}"},
    "history_entry_extension_approved": {
        "zh": "批准 #{id} 延期，至 {until}",
        "en": "approved extending #{id} until {until}",
    },
    "history_entry_extension_declined": {"zh": "不批准 #{id} 延期", "en": "declined extending #{id}"},
    "history_entry_review_approved": {"zh": "审核 #{id}：确认有效", "en": "review of #{id}: kept"},
    "history_entry_review_rejected": {
        "zh": "审核 #{id}：驳回，报备作废",
        "en": "review of #{id}: rejected, void",
    },
    "history_entry_transferred": {
        "zh": "仲裁：#{id} 改由 {other} 持有",
        "en": "arbitration: #{id} moved to {other}",
    },
    "history_entry_credit_moved": {
        "zh": "仲裁：#{id} 的业绩改归 {other}",
        "en": "arbitration: the credit of #{id} moved to {other}",
    },
    # --- after-sale care (RULES §7): by the holder or the team's customer service ----------------
    "history_entry_aftersale_contact": {"zh": "#{id} 售后回访", "en": "after-sale contact on #{id}"},
    "history_entry_problem_opened": {
        "zh": "#{id} 记录客户问题（第 {item} 项）",
        "en": "customer's problem recorded on #{id} (no. {item})",
    },
    "history_entry_problem_solved": {
        "zh": "#{id} 客户问题已解决（第 {item} 项）",
        "en": "customer's problem solved on #{id} (no. {item})",
    },
    "history_entry_need_opened": {
        "zh": "#{id} 记录客户需求（第 {item} 项）",
        "en": "customer's need recorded on #{id} (no. {item})",
    },
    "history_entry_need_met": {
        "zh": "#{id} 客户需求已满足（第 {item} 项）",
        "en": "customer's need met on #{id} (no. {item})",
    },
    "history_entry_satisfaction": {
        "zh": "#{id} 客户满意度 {score} 分（满分 5 分）",
        "en": "customer's satisfaction on #{id}: {score} out of 5",
    },
    # --- why a filing was rejected (domain.filing.Reason) ----------------------------------------
    "history_reason_not_staff": {"zh": "无报备权限", "en": "not allowed to file"},
    "history_reason_incomplete": {"zh": "资料不完整", "en": "incomplete details"},
    "history_reason_late": {"zh": "超过报备时限", "en": "filed after the filing window"},
    "history_reason_already_sold": {"zh": "客户已成交", "en": "customer had already bought"},
    "history_reason_duplicate": {
        "zh": "已由他人报备（先报先保）",
        "en": "already held by a colleague (first come, first protected)",
    },
    "history_reason_already_yours": {"zh": "已在本人名下", "en": "already theirs"},
    "history_reason_quota": {"zh": "本月额度已用完", "en": "monthly quota used up"},
    "history_reason_refile_cooldown": {
        "zh": "失效后冷却期内重新报备",
        "en": "re-filed own expired customer too soon",
    },
}
