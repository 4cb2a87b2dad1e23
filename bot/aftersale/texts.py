"""The words of after-sale care (RULES §7), in Chinese and English; gathered by bot.i18n.catalog.

Refusals are `refused_<domain.registrations.Refusal>` like the follow-ups' own.
"""

from __future__ import annotations

AFTERSALE_TEXTS: dict[str, dict[str, str]] = {
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
}
