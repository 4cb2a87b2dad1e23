"""Who is who: /mine and /quota lists, invitations, binding manager group chats.
Gathered by bot.i18n.catalog."""

from __future__ import annotations

ROSTER_TEXTS: dict[str, dict[str, str]] = {
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
        "zh": "还没有团队。请先在服务器上运行 <code>leadbot team add</code> 创建团队。",
        "en": "There are no teams yet. Create one first with `leadbot team add` on the server.",
    },
    "ask_invite_name": {
        "zh": "要邀请的同事叫什么名字？请输入姓名，对方加入后就用这个名字（发送 /cancel 取消）。",
        "en": (
            "What is the new colleague's name? Type it: they join under this name (send /cancel to stop)."
        ),
    },
    "invite_cancelled": {"zh": "已取消，没有生成邀请链接。", "en": "Cancelled; no invitation link was made."},
    "stale_invite": {
        "zh": "这个按钮已过期：那次邀请没有完成。要邀请同事，请重新发送 /invite。",
        "en": "This button has expired: that invitation was not finished. Send /invite again.",
    },
    "invite_link": {
        "zh": (
            "给 {name} 的邀请链接（{hours} 小时内有效，只能使用一次）：\n{link}\n\n"
            "角色：{role}{team}\n有人用它加入时会通知你。"
        ),
        "en": (
            "Invitation link for {name} (valid for {hours} {hours:hour|hours}, one use only):\n{link}\n\n"
            "Role: {role}{team}\nYou will be told when someone joins with it."
        ),
    },
    "invite_unknown": {
        "zh": "这个邀请链接无效，可能复制时不完整。请向管理员要一个新的链接。",
        "en": "This invitation link is not valid; it may have been cut short. Ask an admin for a new one.",
    },
    "invite_used": {
        "zh": "这个邀请链接已经有人用过了，每个链接只能用一次。请向管理员要一个新的链接。",
        "en": "This invitation link has been used already; each link works once. Ask an admin for a new one.",
    },
    "invite_used_by_you": {
        "zh": "你已经用这个邀请链接加入了，不用再打开。发送 /help 查看你能用的命令。",
        "en": "You have joined with this invitation already. Send /help to see your commands.",
    },
    "invite_expired": {
        "zh": "这个邀请链接已于 {at} 过期。请向管理员要一个新的链接。",
        "en": "This invitation link expired on {at}. Ask an admin for a new one.",
    },
    "notice_invite_used": {
        "zh": "✅ 你的邀请已被使用：{name}（电报名：{telegram_name}）已加入，身份：{role}{team}。",
        "en": "✅ Your invitation was used: {name} (Telegram name: {telegram_name}) joined as {role}{team}.",
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
    # --- group chats ----------------------------------------------------------------------------
    "bind_group_only": {
        "zh": "请在经理群里发送这个命令。",
        "en": "Send this command in the managers' group chat.",
    },
    "bind_not_allowed": {
        "zh": "只有该团队的店长/主管、部门负责人、运营经理或管理员可以绑定群。",
        "en": (
            "Only the team's store manager or supervisor, a department head, an operations manager "
            "or an admin can bind a group."
        ),
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
}
