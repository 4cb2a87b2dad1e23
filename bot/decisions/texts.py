"""Reviews, extension requests and arbitration. Gathered by bot.i18n.catalog."""

from __future__ import annotations

DECISION_TEXTS: dict[str, dict[str, str]] = {
    # --- extensions, reviews, arbitration -------------------------------------------------------
    "extend_pick": {"zh": "选择要申请延期的业务报备：", "en": "Which field registration needs more time?"},
    "extend_none": {
        "zh": "你没有可以申请延期的业务报备（只有业务报备有 15 天失效期）。",
        "en": "You have no field registration that could be extended (only field registrations expire).",
    },
    "extend_ask_reason": {
        "zh": "<b>{name}</b>（{expiry}到期）：请写明延期理由，部门负责人会据此决定。",
        "en": (
            "<b>{name}</b> (expires {expiry}): give the reason for the extension; the department head "
            "decides on it."
        ),
    },
    "extend_sent": {
        "zh": "✅ 延期申请已提交，等待部门负责人处理。结果会通知你。",
        "en": "✅ Extension request sent to the department head. You will be told the decision.",
    },
    "extend_no_head": {
        "zh": "⚠️ 目前没有登记部门负责人，申请已记录，请直接联系你的主管。",
        "en": (
            "⚠️ No department head is on the roster; the request is recorded, please talk to your supervisor."
        ),
    },
    "extend_request_to_head": {
        "zh": "🕒 延期申请：{staff} 的业务报备 {name}（{phone}），{expiry}到期。\n理由：{reason}",
        "en": (
            "🕒 Extension request: {staff}'s field registration {name} ({phone}) expires {expiry}.\nReason: "
            "{reason}"
        ),
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
        "en": (
            "ℹ️ Filings here are reviewed by a manager: yours holds its place; keep following up meanwhile."
        ),
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
        "en": (
            "⚖️ Department head {other} decided: customer {name} ({phone}) is now yours to work. Reason: "
            "{reason}"
        ),
    },
    "notice_arbitrated_transfer_from": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name} 已转给其他同事跟进。理由：{reason}",
        "en": (
            "⚖️ Department head {other} decided: customer {name} now belongs to a colleague. Reason: {reason}"
        ),
    },
    "notice_arbitrated_credit_to": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name} 的业绩记入你名下。理由：{reason}",
        "en": "⚖️ Department head {other} decided: the credit for {name} is yours. Reason: {reason}",
    },
    "notice_arbitrated_credit_from": {
        "zh": "⚖️ 部门负责人 {other} 裁决：客户 {name} 的业绩已改记其他同事。理由：{reason}",
        "en": (
            "⚖️ Department head {other} decided: the credit for {name} moved to a colleague. Reason: {reason}"
        ),
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
    # --- issue 13: a button whose moment has passed ------------------------------------------------
    "stale_extend": {
        "zh": "这个按钮已过期：那次延期申请没有完成。要申请延期，请重新发送 /extend。",
        "en": "This button has expired: that extension request was not finished. Send /extend again.",
    },
    "extend_gone": {
        "zh": "这条报备已有变化（已不在你名下，或无需延期），不能申请延期。发送 /extend 重新选择。",
        "en": (
            "This registration has changed (you no longer hold it, or it does not expire); it cannot be "
            "extended. Send /extend to pick again."
        ),
    },
    "stale_decision": {
        "zh": "这个申请已经处理过了，或已不存在，无需再操作。",
        "en": "This request was already decided or is gone; there is nothing left to do.",
    },
    "stale_arbitration": {
        "zh": "这个按钮已过期：那次裁决已经结束。要裁决，请重新发送 /arbitrate。",
        "en": "This button has expired: that arbitration is over. To arbitrate, send /arbitrate again.",
    },
}
