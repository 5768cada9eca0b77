"""The playbook: every action a finding can call for, declared as data — who does it, by when, and how it reads.

The operator's afternoon (下午:规划、分解): each problem found in the morning goes to the role that fixes it —
promotion (推广) for traffic and bids, design (美工) for images and pages, service (客服) for reviews and
conversion of inquiries, content (内容运营) for posts, and the operator (运营) for stock, prices, bundles and
everything that needs coordinating. Rules name the actions they recommend; ``tasks_for`` turns a finding into
concrete, dated tasks whose text carries the finding's own numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from shopops.diagnose.model import Finding
from shopops.diagnose.text import render


class Role(StrEnum):
    OPERATOR = "operator"
    PROMOTION = "promotion"
    DESIGN = "design"
    SERVICE = "service"
    CONTENT = "content"


ROLE_ZH = {
    Role.OPERATOR: "运营",
    Role.PROMOTION: "推广",
    Role.DESIGN: "美工",
    Role.SERVICE: "客服",
    Role.CONTENT: "内容",
}


@dataclass(frozen=True)
class Action:
    name: str
    role: Role
    due_days: int  # days after the finding's date (0: the same day)
    en: str  # formatted with the finding (subject, label, value, baseline, impact) and its facts
    zh: str
    only_for: tuple[str, ...] = ()  # subjects it applies to (empty: all)
    # (fact, other): the action only makes sense while fact > other (a fact name or a number) — no "reorder 0
    # units", no "lower the bid to what it already is".
    needs: tuple[tuple[str, str | float], ...] = ()

    def applies(self, facts: Mapping[str, object]) -> bool:
        for name, other in self.needs:
            value = facts.get(name)
            bound = facts.get(other) if isinstance(other, str) else other
            if not isinstance(value, int | float) or not isinstance(bound, int | float) or not value > bound:
                return False
        return True


def _a(name, role, due, en, zh, only_for=(), needs=()) -> Action:
    return Action(name, role, due, en, zh, only_for, needs)


OPS, PRO, DES, SRV, CON = Role.OPERATOR, Role.PROMOTION, Role.DESIGN, Role.SERVICE, Role.CONTENT

PLAYBOOK: dict[str, Action] = {
    a.name: a
    for a in (
        _a(
            "rework_detail_pages",
            DES,
            7,
            "Rework the store's pages before buying more traffic: bounce rate {value:.0%} (passes below 70 %, good below 60 %)",
            "调整店铺页面后再加大推广:跳失率 {value:.0%}(低于 70% 及格,低于 60% 良好)",
        ),
        _a(
            "add_related_products",
            DES,
            7,
            "Add related products and bundles to the detail pages: {value:.2f} pages per visitor (2.5 passes, 3.5 good)",
            "在详情页增加关联推荐和搭配:访问深度 {value:.2f}(2.5 及格,3.5 良好)",
        ),
        _a(
            "build_bundles",
            OPS,
            7,
            "Build bundles and cross-sells around the hero {hero}: store 客单价 is {value:.2f} × its 客单价 (want ≥ 1.3 ×)",
            "围绕主打款 {hero} 做套餐和关联销售:全店客单价仅为其 {value:.2f} 倍(应 ≥ 1.3 倍)",
        ),
        _a(
            "close_target_gap",
            OPS,
            0,
            "Plan how to make up today's {impact:,.0f} short of target (traffic, conversion or 客单价 — see the decomposition)",
            "制定弥补今日目标缺口 {impact:,.0f} 的方案(流量、转化或客单价,见拆解)",
        ),
        _a(
            "recover_source_traffic",
            PRO,
            1,
            "Find why {label} traffic fell to {value:,.0f} a day (usually {baseline:,.0f}) and budget to replace it",
            "查明 {label} 流量降至每天 {value:,.0f}(常态 {baseline:,.0f})的原因,并做补量预算",
        ),
        _a(
            "post_content",
            CON,
            1,
            "Post about 3 content pieces a day to win back {label} traffic ({value:,.0f} a day, usually {baseline:,.0f})",
            "每天发布约 3 篇内容,恢复 {label} 流量(每天 {value:,.0f},常态 {baseline:,.0f})",
            only_for=("content", "recommend"),
        ),
        _a(
            "rebuild_search_rank",
            PRO,
            2,
            "Win back search rank for {label}: impressions {value:,.0f} a day against {baseline:,.0f} — check title "
            "keywords, sales weight (坑产) and support it with paid search",
            "恢复 {label} 的搜索排名:曝光每天 {value:,.0f}(常态 {baseline:,.0f})—— 检查标题关键词、坑产,并用直通车辅助",
        ),
        _a(
            "replace_main_image",
            DES,
            2,
            "Replace the main image of {label}: search click-through {value:.2%} against {baseline:.2%}",
            "更换 {label} 的主图:搜索点击率 {value:.2%}(常态 {baseline:.2%})",
        ),
        _a(
            "rework_detail_page",
            DES,
            2,
            "Rework the detail page of {label}: bounce {value:.0%} against {baseline:.0%}",
            "调整 {label} 的详情页:跳出率 {value:.0%}(常态 {baseline:.0%})",
        ),
        _a(
            "answer_bad_reviews",
            SRV,
            1,
            "Answer the {bad_reviews_7d:.0f} bad review(s) of {label} (last 7 days) and follow up the buyers",
            "回复 {label} 近 7 天的 {bad_reviews_7d:.0f} 条差评,并联系买家处理",
        ),
        _a(
            "check_batch_quality",
            OPS,
            2,
            "Check the current batch of {label} with the supplier: {value:.0%} of its recent reviews are bad",
            "与供应商核查 {label} 当前批次质量:近期 {value:.0%} 的评价为差评",
        ),
        _a(
            "reorder_stock",
            OPS,
            0,
            "Reorder {reorder_units:,.0f} units of {label} by {reorder_by} (sells {daily_units:.1f} a day, lead time "
            "{lead_time_days:.0f} days)",
            "在 {reorder_by} 前补货 {label} {reorder_units:,.0f} 件(日均 {daily_units:.1f} 件,补货周期 {lead_time_days:.0f} 天)",
            needs=(("reorder_units", 0),),
        ),
        _a(
            "chase_restock",
            OPS,
            0,
            "Chase the {in_transit:,.0f} units of {label} on the way and tell the team when they land (sells "
            "{daily_units:.1f} a day)",
            "跟进 {label} 在途的 {in_transit:,.0f} 件,到货后通知团队(日均 {daily_units:.1f} 件)",
            needs=(("in_transit", 0),),
        ),
        _a(
            "restore_bundle",
            OPS,
            1,
            "Restore the bundle of {label} with {partner_title} ({partner}): only {value:.0%} of its orders take it now",
            "恢复 {label} 与 {partner_title}({partner})的套餐:目前仅 {value:.0%} 的订单搭配购买",
        ),
        _a(
            "check_detail_page",
            OPS,
            1,
            "Check the detail page, price and reviews of {label}: conversion {value:.2%} against {baseline:.2%}",
            "检查 {label} 的详情页、价格和评价:转化率 {value:.2%}(常态 {baseline:.2%})",
        ),
        _a(
            "lower_bid",
            PRO,
            1,
            "Lower the bid on '{subject}' ({campaign}) to {suggested_bid:.2f} (now {bid:.2f})",
            "将关键词「{subject}」({campaign})出价降至 {suggested_bid:.2f}(当前 {bid:.2f})",
            needs=(("bid", "suggested_bid"),),
        ),
        _a(
            "coach_agent",
            SRV,
            3,
            "Coach agent {subject}: inquiry conversion {value:.0%} (usually {baseline:.0%}, the rest of the team "
            "{team_conversion_7d:.0%}) — review chats and scripts",
            "辅导客服 {subject}:询单转化率 {value:.0%}(常态 {baseline:.0%},团队其他人 {team_conversion_7d:.0%})"
            "—— 复盘聊天记录和话术",
        ),
        _a(
            "answer_price_cut",
            OPS,
            1,
            "Answer {subject}'s price cut on {matched_title} ({matched_sku}): theirs {value:,.2f}, ours {our_price:,.2f} — "
            "a coupon, a bundle, or stress what differs",
            "应对 {subject} 对 {matched_title}({matched_sku})的降价:对方 {value:,.2f},我方 {our_price:,.2f} —— 发券、搭配或突出差异",
        ),
        _a(
            "report_copycat",
            OPS,
            1,
            "Report {subject}'s listing {listing_id} to the platform: it copies our main image of {matched_title} "
            "({matched_sku}) at {price:,.2f}",
            "向平台投诉 {subject} 的链接 {listing_id}:盗用我方 {matched_title}({matched_sku})主图,售价 {price:,.2f}",
        ),
        _a(
            "review_campaign",
            OPS,
            3,
            "Review campaign {campaign_id}: count its uplift net of the dip after it before planning the next one",
            "复盘活动 {campaign_id}:扣除活动后的透支低谷,再评估效果并规划下一次",
        ),
        _a(
            "fix_late_deliveries",
            OPS,
            3,
            "Take up late deliveries with {label}: {value:.0%} of its orders arrive late and bring bad reviews",
            "与 {label} 解决延迟发货:{value:.0%} 的订单延迟送达并带来差评",
        ),
        _a(
            "review_source_targeting",
            PRO,
            3,
            "Review the targeting and landing pages of {label}: bounce {value:.1%} (site {baseline:.1%}), "
            "{pages_per_session:.1f} pages a session (site {site_pages_per_session:.1f})",
            "检查 {label} 的投放人群和落地页:跳出率 {value:.1%}(全站 {baseline:.1%}),每次会话 {pages_per_session:.1f} 页"
            "(全站 {site_pages_per_session:.1f})",
        ),
    )
}


def actions_for(finding: Finding, names: Iterable[str]) -> list[Action]:
    """The named actions that apply to the finding's subject (or its kind, e.g. a source's ``content``)."""
    subject = {finding.subject, str(finding.facts.get("kind") or "")}
    return [
        PLAYBOOK[n]
        for n in names
        if (not PLAYBOOK[n].only_for or subject & set(PLAYBOOK[n].only_for)) and PLAYBOOK[n].applies(finding.facts)
    ]


def task_id(store_id: str, date: dt.date, code: str, subject: str, action: str) -> str:
    """Deterministic: the same finding on the same day always makes the same task."""
    key = "\x1f".join((store_id, date.isoformat(), code, subject, action))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def text(action: Action, finding: Finding, lang: str) -> str:
    values = {
        "subject": finding.subject,
        "label": finding.subject_label or finding.subject,
        "value": finding.value,
        "baseline": finding.baseline,
        "impact": finding.impact,
        **finding.facts,
    }
    values["label"] = values.get("label") or finding.subject
    return render(action.zh if lang == "zh" else action.en, values)


PLAYBOOK_START, PLAYBOOK_END = "<!-- playbook:start -->", "<!-- playbook:end -->"


def playbook_markdown() -> str:
    """The playbook as the table in docs/diagnosis.md (a test keeps the two equal)."""
    lines = [PLAYBOOK_START, "| action | role | due | task (en / zh) |", "|---|---|---|---|"]
    for a in PLAYBOOK.values():
        only = f" (only for {', '.join(a.only_for)})" if a.only_for else ""
        due = "same day" if a.due_days == 0 else f"+{a.due_days} d"
        lines.append(f"| `{a.name}`{only} | {a.role} ({ROLE_ZH[a.role]}) | {due} | {a.en}<br>{a.zh} |")
    lines.append(PLAYBOOK_END)
    return "\n".join(lines)
