"""The periodic reports' words in English and Chinese (the morning report's own words stay in ``i18n``)."""

from __future__ import annotations

from shopops.report import i18n

TEXT: dict[str, tuple[str, str]] = {
    "title_daily": ("Morning report", "运营晨报"),
    "title_weekly": ("Weekly review", "运营周报"),
    "title_monthly": ("Monthly evaluation", "运营月报"),
    "period": ("Period", "统计周期"),
    "this_period": ("This period", "本期"),
    "base_period": ("compared with", "对比"),
    "trend": ("Trend", "趋势"),
    "chart_trend": ("GMV and visitors by day", "每日支付金额与访客数"),
    "chart_sources": ("Visitors by source", "各来源访客占比"),
    "chart_waterfall": ("From the base GMV to this period's, by source", "支付金额变化瀑布图(按来源)"),
    "chart_products": ("Top products by GMV", "热销商品支付金额"),
    "chart_phases": ("Week by week", "分周走势"),
    "sources": ("Traffic sources", "流量来源"),
    "base_gmv": ("Base GMV", "对比期金额"),
    "findings": ("Findings", "诊断发现"),
    "tasks": ("Tasks", "待办任务"),
    "no_findings": ("No problems found.", "未发现问题。"),
    "no_tasks": ("No tasks.", "暂无任务。"),
    "diagnosis not installed": (
        "Diagnosis is not installed in this build: findings and tasks will appear here.",
        "当前版本未安装诊断模块:诊断发现与任务将显示于此。",
    ),
    "severity": ("Severity", "级别"),
    "subject": ("Subject", "对象"),
    "finding": ("Finding", "发现"),
    "impact": ("Impact / day", "日影响金额"),
    "task": ("Task", "任务"),
    "role": ("Who", "负责"),
    "priority": ("Priority", "优先级"),
    "due": ("Due", "截止"),
    "info": ("info", "提示"),
    "warning": ("warning", "警告"),
    "critical": ("critical", "严重"),
    "health": ("Page health review", "页面健康检查"),
    "health_note": (
        "Bounce < 70 % and ≥ 2.5 pages per visitor pass (< 60 %, 3.5 good); the store's 客单价 should be ≥ 1.3× the "
        "best seller's. If one fails, fix the pages before adding promotion.",
        "跳失率 < 70%、访问深度 ≥ 2.5 为及格(< 60%、3.5 为良好);全店客单价应 ≥ 主打款客单价的 1.3 倍。任何一项不及格,先调整页面,再加大推广。",
    ),
    "check": ("Check", "检查项"),
    "value": ("Value", "数值"),
    "verdict": ("Verdict", "结论"),
    "main_product": ("Best seller (主打款)", "主打款"),
    "fix_pages_first": ("Fix the pages before adding promotion.", "先调整页面,再加大推广。"),
    "pages_ok": ("The pages pass: traffic can be added.", "页面指标达标,可以加大引流。"),
    "evaluation": ("Phased evaluation", "阶段性评估"),
    "aspect": ("Aspect", "维度"),
    "month": ("This month", "本月"),
    "prev_month": ("Month before", "上月同期"),
    "better": ("better", "改善"),
    "worse": ("worse", "变差"),
    "steady": ("steady", "持平"),
    "no_data": ("no data", "无数据"),
    "proposals": ("Proposals", "优化方案"),
    "campaigns": ("Campaign results", "店铺活动销售成果汇报表"),
    "resources": ("Paid and affiliate resources", "淘客资源汇总表"),
    "ad_campaigns": ("Paid search campaigns", "直通车推广计划"),
    "summary": ("Store operations summary", "全店运营数据汇总表"),
    "top_products": ("Top products", "热销商品"),
    "total_row": ("Total", "合计"),
    "overview": ("Overview", "概览"),
    "ledger": ("Input ledger", "输入台账"),
    "version": ("shopops version", "shopops 版本"),
    "generated_from": (
        "Made from {files} imported files; ledger sha256 {sha}.",
        "基于 {files} 个导入文件生成;台账 sha256 {sha}。",
    ),
    "target_month": ("Month target", "月度目标"),
}


def w(key: str, lang: str) -> str:
    if key in TEXT:
        en, zh = TEXT[key]
        return zh if lang == "zh" else en
    if key in i18n.TEXT:
        return i18n.t(key, lang)  # type: ignore[arg-type]
    return key  # a message that is already text (e.g. why the diagnosis could not run)
