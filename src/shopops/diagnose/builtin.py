"""The built-in rules, declared as data from the operators' own rules of thumb (docs/diagnosis.md renders them).

A principle runs through them: a condition that has just turned bad is a *warning*; one that has been bad for weeks
is *info* (it already has its task) — so the tool does not cry wolf every morning about the same thing.
Cause rules carry a cause code from ``shopops.schema.causes`` and the money the problem costs per day (``impact``).
"""

from __future__ import annotations

from shopops.diagnose.model import Severity
from shopops.diagnose.rules import Change, Level, MinSample, Rule, RuleInfo, Threshold, Top, register
from shopops.schema.causes import Cause

WARN, INFO, CRIT = Severity.WARNING, Severity.INFO, Severity.CRITICAL
OPERATOR = "the operator's day (运营的一天)"
PAGE = "operator: page health, checked weekly (店铺页面检查)"
TOP5 = "operator: check the top-5 traffic products daily (同款、差评)"
PAID = "operator: paid-search review (付费推广分析)"
SERVICE = "operator: service agents against the team's average (客服转化)"
SIGNATURE = "cause signature (schema/causes.py)"

RULES = (
    # ------------------------------------------------------------------ the store
    Rule(
        RuleInfo(
            "bounce_rate_high",
            "bounce_rate_high",
            "store",
            "bounce_rate_7d",
            "Store bounce rate ≥ 70 % fails, < 60 % is good (< 50 % with many returning visitors)",
            "跳失率 ≥ 70% 不及格,< 60% 良好(老访客多时应 < 50%)",
            PAGE,
            actions=("rework_detail_pages",),
            evidence=("bounce_rate_prev", "returning_share_7d"),
            params={
                "fail": 0.70,
                "passed_before": 0.67,  # the four weeks before were clearly passing: a new problem, not noise
                "good": 0.60,
                "good_returning": 0.50,
                "many_returning": 0.30,
                "weekday": 0,
            },
            cadence="weekly",
        ),
        levels=(
            Level(
                WARN, (Threshold("bounce_rate_7d", ">=", "fail"), Threshold("bounce_rate_prev", "<", "passed_before"))
            ),
            Level(INFO, (Threshold("bounce_rate_7d", ">=", "fail"),)),
            Level(
                INFO,
                (Threshold("bounce_rate_7d", ">=", "good"), Threshold("returning_share_7d", "<", "many_returning")),
            ),
            Level(
                INFO,
                (
                    Threshold("bounce_rate_7d", ">=", "good_returning"),
                    Threshold("returning_share_7d", ">=", "many_returning"),
                ),
            ),
        ),
        message_en="Bounce rate {bounce_rate_7d:.1%} over the last 7 days (four weeks before: {bounce_rate_prev:.1%}); "
        "it passes below {fail:.0%} and is good below {good:.0%} — rework the pages before buying traffic.",
        message_zh="近 7 天跳失率 {bounce_rate_7d:.1%}(此前四周 {bounce_rate_prev:.1%});低于 {fail:.0%} 及格、"
        "低于 {good:.0%} 良好 —— 先调整页面,再加大推广。",
        rows=(),
    ),
    Rule(
        RuleInfo(
            "pages_per_visitor_low",
            "pages_per_visitor_low",
            "store",
            "pages_per_visitor_7d",
            "Pages per visitor below 2.5 fails, ≥ 3.5 is good (≥ 4 strong)",
            "访问深度低于 2.5 不及格,≥ 3.5 良好(≥ 4 优秀)",
            PAGE,
            actions=("add_related_products",),
            evidence=("pages_per_visitor_prev",),
            params={"fail": 2.5, "passed_before": 2.65, "good": 3.5, "strong": 4.0, "weekday": 0},
            cadence="weekly",
        ),
        levels=(
            Level(
                WARN,
                (
                    Threshold("pages_per_visitor_7d", "<", "fail"),
                    Threshold("pages_per_visitor_prev", ">", "passed_before"),
                ),
            ),
            Level(INFO, (Threshold("pages_per_visitor_7d", "<", "fail"),)),
            Level(INFO, (Threshold("pages_per_visitor_7d", "<", "good"),)),
        ),
        message_en="Pages per visitor {pages_per_visitor_7d:.2f} over the last 7 days (before: "
        "{pages_per_visitor_prev:.2f}); {fail} passes, {good} is good — link related products on the pages.",
        message_zh="近 7 天访问深度 {pages_per_visitor_7d:.2f}(此前 {pages_per_visitor_prev:.2f});{fail} 及格、{good} 良好"
        " —— 在详情页增加关联推荐。",
        rows=(),
    ),
    Rule(
        RuleInfo(
            "revenue_per_buyer_vs_hero",
            "revenue_per_buyer_vs_hero",
            "store",
            "rpb_ratio_7d",
            "Store 客单价 below 1.3 × the hero product's: the detail pages do not lead on to other products",
            "全店客单价低于主打款客单价的 1.3 倍:详情页没有带动其他商品",
            PAGE,
            actions=("build_bundles",),
            evidence=("revenue_per_buyer_7d", "hero", "hero_revenue_per_buyer_7d", "rpb_ratio_prev"),
            params={"ratio": 1.3, "passed_before": 1.4, "good": 1.5, "weekday": 0},
            cadence="weekly",
        ),
        levels=(
            Level(WARN, (Threshold("rpb_ratio_7d", "<", "ratio"), Threshold("rpb_ratio_prev", ">=", "passed_before"))),
            Level(INFO, (Threshold("rpb_ratio_7d", "<", "ratio"),)),
        ),
        message_en="Store 客单价 {revenue_per_buyer_7d:,.2f} is {rpb_ratio_7d:.2f} × the hero {hero}'s "
        "{hero_revenue_per_buyer_7d:,.2f} (wanted ≥ {ratio} ×): the hero does not lead on to the rest.",
        message_zh="全店客单价 {revenue_per_buyer_7d:,.2f} 仅为主打款 {hero} 客单价 {hero_revenue_per_buyer_7d:,.2f} 的 "
        "{rpb_ratio_7d:.2f} 倍(应 ≥ {ratio} 倍):主打款没有带动全店。",
        rows=(),
    ),
    Rule(
        RuleInfo(
            "day_below_target",
            "day_below_target",
            "store",
            "attainment",
            "The day's GMV below its share of the month's target (the morning's first check)",
            "当日支付金额未达日目标(早上第一件事:判断是否达标)",
            OPERATOR,
            actions=("close_target_gap",),
            evidence=("gmv", "target", "gap_to_target"),
            params={},
        ),
        levels=(Level(INFO, (Threshold("attainment", "<", 1.0),)),),
        impact="gap_to_target",
        message_en="GMV {gmv:,.2f} made {attainment:.0%} of the day's target {target:,.2f} (short by {gap_to_target:,.2f}).",
        message_zh="支付金额 {gmv:,.2f},完成日目标 {target:,.2f} 的 {attainment:.0%}(差 {gap_to_target:,.2f})。",
        rows=(),
    ),
    Rule(
        RuleInfo(
            "gmv_below_normal",
            "gmv_below_normal",
            "store",
            "gmv",
            "GMV below the normal band of comparable days (same weekday; the same event in earlier years)",
            "支付金额低于可比日(同星期几;往年同一活动)的正常区间",
            OPERATOR,
            evidence=("gmv_low", "gmv_high", "visitors", "visitors_base", "conversion_rate", "conversion_rate_base"),
            params={"z": -3.5, "critical_z": -6.0},
        ),
        levels=(Level(CRIT, (Threshold("gmv_z", "<=", "critical_z"),)), Level(WARN, (Threshold("gmv_z", "<=", "z"),))),
        impact="gmv_loss",
        message_en="GMV {gmv:,.2f} is below its normal band {gmv_low:,.0f} … {gmv_high:,.0f} (expected {gmv_base:,.0f}).",
        message_zh="支付金额 {gmv:,.2f} 低于正常区间 {gmv_low:,.0f} … {gmv_high:,.0f}(预期 {gmv_base:,.0f})。",
    ),
    # ------------------------------------------------------------------ traffic sources
    Rule(
        RuleInfo(
            "traffic_source_low",
            "traffic_source_low",
            "source",
            "visitors",
            "A traffic source below its normal range (day effects shared by all sources taken out)",
            "某流量来源低于其正常范围(已剔除各来源共同的日波动)",
            OPERATOR,
            actions=("recover_source_traffic", "post_content"),
            evidence=("kind", "visitors_today", "value_per_visitor"),
            params={"z": 4.0, "min_drop": 0.25, "min_visitors": 700},
        ),
        require=(MinSample("visitors_7d", "min_visitors"),),
        levels=(Level(WARN, (Change("visitors", "down", "z", "min_drop"),)),),
        impact="visitors_loss",
        message_en="Visitors from {label} fell to {visitors:,.0f} a day from {visitors_base:,.0f} "
        "(over the last {visitors_days} days).",
        message_zh="{label} 访客降至每天 {visitors:,.0f}(此前 {visitors_base:,.0f},持续 {visitors_days} 天)。",
    ),
    # ------------------------------------------------------------------ products: causes
    Rule(
        RuleInfo(
            "search_rank_drop",
            Cause.SEARCH_RANK_DROP,
            "sku",
            "search_impressions",
            "Search impressions fall while click-through holds: the product lost search rank",
            "搜索曝光下降而点击率不变:搜索排名下滑",
            SIGNATURE,
            actions=("rebuild_search_rank",),
            evidence=("search_rank", "search_rank_base", "search_ctr_z"),
            params={
                "z": 4.0,
                "min_drop": 0.25,
                "ctr_holds": -3.0,
                "rank_worse": 3.0,
                "rank_rise": 0.2,
                "min_impressions": 300,
            },
        ),
        require=(MinSample("search_impressions_base", "min_impressions"), Threshold("stockout_loss", "<=", 0)),
        # fewer impressions alone can be a copy taking our traffic or a rival's rise; the rank must have slipped too
        levels=(
            Level(
                WARN,
                (
                    Change("search_impressions", "down", "z", "min_drop"),
                    Threshold("search_ctr_z", ">", "ctr_holds"),
                    Change("search_rank", "up", "rank_worse", "rank_rise"),
                ),
            ),
        ),
        impact="impressions_loss",
        message_en="{label}: search impressions {search_impressions:,.0f} a day against {search_impressions_base:,.0f} "
        "for {search_impressions_days} days, click-through steady — its search rank slipped "
        "({search_rank_base:.0f} → {search_rank:.0f}).",
        message_zh="{label}:搜索曝光每天 {search_impressions:,.0f}(此前 {search_impressions_base:,.0f}),已持续 "
        "{search_impressions_days} 天,点击率稳定 —— 搜索排名下滑({search_rank_base:.0f} → {search_rank:.0f})。",
    ),
    Rule(
        RuleInfo(
            "main_image_ctr_fall",
            Cause.MAIN_IMAGE_CTR_FALL,
            "sku",
            "search_ctr",
            "Click-through far under the product's norm while impressions hold (→ change the main image)",
            "点击率远低于该商品常态而曝光不变(→ 更换主图)",
            PAID + "; " + SIGNATURE,
            actions=("replace_main_image",),
            evidence=("search_impressions_z",),
            params={"z": 4.0, "min_drop": 0.2, "impressions_hold": -3.0},
        ),
        levels=(
            Level(
                WARN,
                (
                    Change("search_ctr", "down", "z", "min_drop"),
                    Threshold("search_impressions_z", ">", "impressions_hold"),
                ),
            ),
        ),
        impact="ctr_loss",
        message_en="{label}: search click-through {search_ctr:.2%} against its usual {search_ctr_base:.2%} for "
        "{search_ctr_days} days while impressions hold — the main image stopped working.",
        message_zh="{label}:搜索点击率 {search_ctr:.2%},常态 {search_ctr_base:.2%},已持续 {search_ctr_days} 天,"
        "曝光未减 —— 主图失效。",
    ),
    Rule(
        RuleInfo(
            "detail_page_bounce",
            Cause.DETAIL_PAGE_BOUNCE,
            "sku",
            "bounce",
            "The product's detail-page bounce rate jumped against its own norm",
            "商品详情页跳出率较常态明显上升",
            SIGNATURE,
            actions=("rework_detail_page",),
            evidence=("visitors_today",),
            params={"z": 4.5, "min_rise": 0.15, "min_visitors": 200},
        ),
        require=(MinSample("visitors_7d", "min_visitors"),),
        levels=(Level(WARN, (Change("bounce", "up", "z", "min_rise"),)),),
        impact="bounce_loss",
        message_en="{label}: detail-page bounce {bounce:.1%} against its usual {bounce_base:.1%} for {bounce_days} days.",
        message_zh="{label}:详情页跳出率 {bounce:.1%},常态 {bounce_base:.1%},已持续 {bounce_days} 天。",
    ),
    Rule(
        RuleInfo(
            "negative_reviews",
            Cause.NEGATIVE_REVIEWS,
            "sku",
            "bad_review_share",
            "A burst of bad reviews (rating ≤ 2) far above the product's usual share",
            "差评(≤ 2 星)集中出现,远高于该商品的常态比例",
            TOP5 + "; " + SIGNATURE,
            actions=("answer_bad_reviews", "check_batch_quality"),
            evidence=("bad_reviews_7d", "reviews_7d", "conversion_z"),
            params={"z": 4.0, "min_rise": 2.0, "min_share": 0.25, "min_bad": 3},
        ),
        levels=(
            Level(
                WARN,
                (
                    Change("bad_review_share", "up", "z", "min_rise"),
                    Threshold("bad_review_share", ">=", "min_share"),
                    MinSample("bad_reviews_7d", "min_bad"),
                ),
            ),
        ),
        impact="conversion_loss",
        message_en="{label}: {bad_reviews_7d:.0f} bad reviews in 7 days — {bad_review_share:.0%} of its reviews "
        "against a usual {bad_review_share_base:.0%}.",
        message_zh="{label}:7 天内 {bad_reviews_7d:.0f} 条差评,占评价 {bad_review_share:.0%}(常态 {bad_review_share_base:.0%})。",
        rows=("history", "bad_reviews"),
    ),
    Rule(
        RuleInfo(
            "stockout",
            Cause.STOCKOUT,
            "sku",
            "on_hand",
            "A selling product with nothing on hand",
            "在售商品断货",
            OPERATOR + "; " + SIGNATURE,
            actions=("reorder_stock", "chase_restock"),
            evidence=("daily_units", "in_transit", "lead_time_days", "reorder_units", "reorder_by"),
            params={"min_units": 1.0, "top": 10},
        ),
        require=(Threshold("on_hand", "<=", 0), MinSample("daily_units", "min_units")),
        levels=(Level(CRIT, (Top("gmv_7d", "top"),)), Level(WARN, ())),
        impact="stockout_loss",
        message_en="{label} is out of stock (it sells {daily_units:.1f} units a day; {in_transit:.0f} on the way).",
        message_zh="{label} 已断货(日均销量 {daily_units:.1f} 件;在途 {in_transit:.0f} 件)。",
        rows=("history", "inventory"),
    ),
    Rule(
        RuleInfo(
            "stock_cover_low",
            "stock_cover_low",
            "sku",
            "cover_days",
            "Fewer than N days of stock cover (on hand + in transit) on a selling product",
            "在售商品库存(含在途)可售天数不足 N 天",
            OPERATOR,
            actions=("reorder_stock", "chase_restock"),
            evidence=("on_hand", "in_transit", "daily_units", "lead_time_days", "reorder_units", "reorder_by"),
            params={"min_days": 7.0, "min_units": 1.0},
        ),
        require=(Threshold("on_hand", ">", 0), MinSample("daily_units", "min_units")),
        levels=(Level(WARN, (Threshold("cover_days", "<", "min_days"),)),),
        message_en="{label}: {cover_days:.1f} days of stock left (incl. in transit) at {daily_units:.1f} units a day; "
        "restock takes {lead_time_days:.0f} days.",
        message_zh="{label}:库存(含在途)仅够 {cover_days:.1f} 天(日均 {daily_units:.1f} 件),补货周期 {lead_time_days:.0f} 天。",
        rows=("history", "inventory"),
    ),
    Rule(
        RuleInfo(
            "bundle_removed",
            Cause.BUNDLE_REMOVED,
            "sku",
            "attach",
            "Far fewer of a product's orders include its usual bundle partner (关联搭配 / 套餐 gone)",
            "商品订单中搭配购买的比例骤降(套餐/关联搭配失效)",
            SIGNATURE,
            actions=("restore_bundle",),
            evidence=("partner", "partner_title"),
            params={"z": 4.0, "min_drop": 0.5, "min_attach": 0.1},
        ),
        require=(MinSample("attach_base", "min_attach"), Threshold("leads_bundle", ">=", 1)),
        levels=(Level(WARN, (Change("attach", "down", "z", "min_drop"),)),),
        impact="attach_loss",
        message_en="{label}: {attach:.0%} of its orders include {partner_title} ({partner}) against a usual "
        "{attach_base:.0%} — the bundle is gone, and 客单价 with it.",
        message_zh="{label}:仅 {attach:.0%} 的订单搭配购买 {partner_title}({partner}),常态 {attach_base:.0%} —— 套餐失效,客单价随之下降。",
        rows=("history", "baskets"),
    ),
    # ------------------------------------------------------------------ products: symptoms and daily checks
    Rule(
        RuleInfo(
            "conversion_drop",
            "conversion_drop",
            "sku",
            "conversion",
            "Conversion down on a top product (against the rest of the store that day)",
            "热销商品转化率下降(相对全店其他商品)",
            OPERATOR,
            actions=("check_detail_page",),
            evidence=("visitors_today", "buyers_today"),
            params={"z": 4.0, "min_drop": 0.25, "top": 10},
        ),
        require=(Top("visitors_7d", "top"),),
        levels=(Level(WARN, (Change("conversion", "down", "z", "min_drop"),)),),
        impact="conversion_loss",
        message_en="{label}: conversion {conversion:.2%} against its usual {conversion_base:.2%} for {conversion_days} days.",
        message_zh="{label}:转化率 {conversion:.2%},常态 {conversion_base:.2%},已持续 {conversion_days} 天。",
    ),
    Rule(
        RuleInfo(
            "bad_reviews_top5",
            "bad_reviews",
            "sku",
            "bad_reviews_today",
            "A bad review (rating ≤ 2) on one of the top-5 traffic products: answer it today",
            "流量前 5 的商品出现差评(≤ 2 星):当天处理",
            TOP5,
            actions=("answer_bad_reviews",),
            evidence=("bad_reviews_7d",),
            params={"top": 5},
        ),
        require=(Top("visitors_7d", "top"),),
        levels=(Level(INFO, (Threshold("bad_reviews_today", ">=", 1),)),),
        message_en="{label} (top-5 traffic) got {bad_reviews_today:.0f} bad review(s) today.",
        message_zh="{label}(流量前 5)今天出现 {bad_reviews_today:.0f} 条差评。",
        rows=("bad_reviews",),
    ),
    # ------------------------------------------------------------------ paid keywords
    Rule(
        RuleInfo(
            "paid_cpc_spike",
            Cause.PAID_CPC_SPIKE,
            "keyword",
            "cpc",
            "A keyword's cost per click jumped against its own norm (rivals' bids)",
            "关键词平均点击花费较常态飙升(竞争对手抬价)",
            PAID + "; " + SIGNATURE,
            actions=("lower_bid",),
            evidence=("sku", "campaign", "bid", "suggested_bid", "roas_7d", "breakeven_roas"),
            params={"z": 4.0, "min_rise": 0.25, "min_clicks": 50},
        ),
        require=(MinSample("clicks_7d", "min_clicks"),),
        levels=(Level(WARN, (Change("cpc", "up", "z", "min_rise"),)),),
        impact="extra_cost",
        message_en="Keyword '{subject}' ({campaign}): CPC {cpc:.2f} against its usual {cpc_base:.2f} for {cpc_days} days, "
        "{extra_cost:,.2f} a day more for the same clicks.",
        message_zh="关键词「{subject}」({campaign}):平均点击花费 {cpc:.2f},常态 {cpc_base:.2f},已持续 {cpc_days} 天,"
        "同样的点击每天多花 {extra_cost:,.2f}。",
    ),
    Rule(
        RuleInfo(
            "roas_below_breakeven",
            "roas_below_breakeven",
            "keyword",
            "roas_7d",
            "A paid keyword's 7-day ROAS below break-even (1 ÷ the product's margin)",
            "关键词近 7 天投产比低于保本线(1 ÷ 毛利率)",
            PAID,
            actions=("lower_bid",),
            evidence=("sku", "campaign", "breakeven_roas", "roas_prev", "bid", "suggested_bid"),
            params={"min_clicks": 100, "min_cost": 100.0},
        ),
        require=(MinSample("clicks_7d", "min_clicks"), MinSample("cost_7d", "min_cost")),
        # Weekly ROAS of one keyword rests on a handful of orders: crossing the line is no alarm by itself (the
        # CPC spike that pushes it there is the warning); being below it is a standing task to lower the bid.
        levels=(Level(INFO, (Threshold("roas_vs_breakeven", "<", 1.0),)),),
        impact="loss_vs_breakeven",
        message_en="Keyword '{subject}' ({campaign}): ROAS {roas_7d:.2f} over 7 days, break-even {breakeven_roas:.2f} "
        "(four weeks before: {roas_prev:.2f}).",
        message_zh="关键词「{subject}」({campaign}):近 7 天投产比 {roas_7d:.2f},保本线 {breakeven_roas:.2f}(此前四周 {roas_prev:.2f})。",
    ),
    # ------------------------------------------------------------------ customer service
    Rule(
        RuleInfo(
            "agent_slump",
            Cause.AGENT_SLUMP,
            "agent",
            "conversion",
            "An agent converts far fewer inquiries than usual, and answers slower",
            "客服询单转化率较常态明显下滑,响应变慢",
            SERVICE + "; " + SIGNATURE,
            actions=("coach_agent",),
            evidence=("conversion_7d", "team_conversion_7d", "response", "response_base"),
            # two independent signs together (fewer payments, slower answers) need less of each
            params={"z": 2.5, "min_drop": 0.2, "slow_z": 2.5, "min_slower": 0.2, "strong_z": 4.5},
        ),
        levels=(
            Level(
                WARN, (Change("conversion", "down", "z", "min_drop"), Change("response", "up", "slow_z", "min_slower"))
            ),
            Level(WARN, (Change("conversion", "down", "strong_z", "min_drop"),)),
            Level(WARN, (Change("response", "up", "strong_z", 0.4),)),
        ),
        impact="lost_payments",
        message_en="Agent {subject}: inquiry conversion {conversion:.0%} against a usual {conversion_base:.0%} "
        "({conversion_days} days), first response {response:.0f}s against {response_base:.0f}s.",
        message_zh="客服 {subject}:询单转化率 {conversion:.0%},常态 {conversion_base:.0%}({conversion_days} 天),"
        "首次响应 {response:.0f} 秒(常态 {response_base:.0f} 秒)。",
    ),
    Rule(
        RuleInfo(
            "agent_below_team",
            "agent_below_team",
            "agent",
            "conversion_7d",
            "An agent's 7-day conversion is below the team's, beyond its 95 % interval",
            "客服近 7 天询单转化率低于团队平均(95% 置信区间之外)",
            SERVICE,
            actions=("coach_agent",),
            evidence=("ci_low", "ci_high", "team_conversion_7d", "inquiries_7d"),
            params={"min_inquiries": 50},
        ),
        require=(MinSample("inquiries_7d", "min_inquiries"),),
        levels=(Level(INFO, (Threshold("gap_to_team", ">", 0),)),),
        message_en="Agent {subject}: 7-day conversion {conversion_7d:.0%} (95 % {ci_low:.0%} … {ci_high:.0%}) below the "
        "team's {team_conversion_7d:.0%}.",
        message_zh="客服 {subject}:近 7 天询单转化率 {conversion_7d:.0%}(95% 区间 {ci_low:.0%} … {ci_high:.0%}),"
        "低于团队 {team_conversion_7d:.0%}。",
    ),
    # ------------------------------------------------------------------ competitors
    Rule(
        RuleInfo(
            "competitor_undercut",
            Cause.COMPETITOR_UNDERCUT,
            "competitor",
            "price",
            "A competitor cut the price of a listing matched to ours below our price",
            "竞品对标链接降价且低于我方售价",
            TOP5 + "; " + SIGNATURE,
            actions=("answer_price_cut",),
            evidence=("listing_id", "matched_sku", "matched_title", "our_price", "price_gap", "matched_conversion_z"),
            params={"min_cut": 0.13, "min_gap": 0.10, "promo_cut": 0.05},
        ),
        # routine short promotions cut 5–12 %: deeper than that and well under our price is a price war
        levels=(
            Level(WARN, (Threshold("price_cut", ">=", "min_cut"), Threshold("cheaper_by", ">=", "min_gap"))),
            Level(INFO, (Threshold("price_cut", ">=", "promo_cut"), Threshold("cheaper_by", ">=", "min_gap"))),
        ),
        impact="matched_conversion_loss",
        message_en="{subject} cut listing {listing_id} to {price:,.2f} (usually {price_base:,.2f}), {cheaper_by:.0%} below "
        "our {matched_title} ({matched_sku}) at {our_price:,.2f}.",
        message_zh="{subject} 将链接 {listing_id} 降价至 {price:,.2f}(常价 {price_base:,.2f}),比我方 {matched_title}"
        "({matched_sku})的 {our_price:,.2f} 低 {cheaper_by:.0%}。",
    ),
    Rule(
        RuleInfo(
            "copycat_listing",
            Cause.COPYCAT_LISTING,
            "competitor",
            "listed_days",
            "A new competitor listing uses our main image (盗图) on a matched product",
            "新出现的竞品链接盗用我方主图(同款盗图)",
            TOP5 + "; " + SIGNATURE,
            actions=("report_copycat",),
            evidence=("listing_id", "matched_sku", "matched_title", "price", "our_price", "matched_visitors_loss"),
            params={"max_age": 60},
        ),
        require=(Threshold("image_match", ">=", 1),),
        levels=(Level(WARN, (Threshold("listed_days", "<=", "max_age"),)), Level(INFO, ())),
        impact="matched_visitors_loss",
        message_en="{subject} lists {listing_id} with our main image of {matched_title} ({matched_sku}) at {price:,.2f} "
        "(ours {our_price:,.2f}), seen {listed_days:.0f} days.",
        message_zh="{subject} 的链接 {listing_id} 盗用我方 {matched_title}({matched_sku})主图,售价 {price:,.2f}"
        "(我方 {our_price:,.2f}),已出现 {listed_days:.0f} 天。",
    ),
)

for _rule in RULES:
    register(_rule)
