"""Amazon Sponsored Products search-term report → ``ad_keywords``.

One row per day (or per period) × campaign × ad group × targeting × customer search term. The report comes as CSV
(dates like "Jun 01, 2024", money like "$0.52") or xlsx (real dates and numbers); both read the same. A summary
report has Start Date / End Date instead of Date: its rows are dated by their Start Date, so download the report with
the "Daily" time unit for day-level analysis. Auto-targeting rows carry "-" as Match Type, stored as no match type.
CTR, CPC, ACOS, ROAS and units are read (they tell this layout apart from a canonical file, and a damaged value
means a damaged file) but not stored: metrics recompute ratios from the counts.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

SP_SEARCH_TERMS = register(
    Format(
        name="amazon:sp_search_terms",
        zh="亚马逊SP广告-搜索词报告",
        en="Amazon Sponsored Products search-term report",
        platform="amazon",
        fields=(
            Field("date", "date", ("Date", "Start Date"), required=True),
            Field("campaign", "text", ("Campaign Name",), required=True),
            Field("ad_group", "text", ("Ad Group Name",), required=True),
            Field("keyword", "text", ("Targeting", "Keyword"), required=True),
            Field("match_type", "text", ("Match Type",)),
            Field("search_term", "text", ("Customer Search Term",), required=True),
            Field("impressions", "int", ("Impressions",), required=True),
            Field("clicks", "int", ("Clicks",), required=True),
            Field("cost", "money", ("Spend",), required=True),
            Field("ad_gmv", "money", ("7 Day Total Sales",)),
            Field("orders", "int", ("7 Day Total Orders (#)",)),
            Field("units", "int", ("7 Day Total Units (#)",)),
            Field("ctr", "rate", ("Click-Thru Rate (CTR)",)),
            Field("cpc", "money", ("Cost Per Click (CPC)",)),
            # Headers compare case-blind, so older "(ACoS)" / "(RoAS)" spellings match too.
            Field("acos", "rate", ("Total Advertising Cost of Sales (ACOS)",)),
            Field("roas", "number", ("Total Return on Advertising Spend (ROAS)",)),
            Field("conversion_rate", "rate", ("7 Day Conversion Rate",)),
        ),
        outputs={
            "ad_keywords": "SELECT _row, date, campaign, ad_group, keyword, match_type, search_term, impressions, "
            "clicks, cost, orders, ad_gmv FROM src"
        },
        sample="amazon/sp_search_terms.csv",
        notes="Advertising console → Reports → Sponsored Products → Search term, CSV or xlsx; Daily time unit preferred.",
    )
)
