"""A short name for every fact of the vocabulary, in English and Chinese, and its unit.

Explanations, what-if and consultations name facts; an auditor reads the path
(``needs.usage.mau``), a Chinese reader needs words (月活跃用户数).  Questions
(``knowledge/questions.yaml``) are whole sentences and descriptions (``descriptions.py``)
whole paragraphs: neither fits inside a line such as "月活跃用户数：25 → 50,000".  These
names do.  The unit is given once, beside the value, never inside the name.  An offer's
fact is named without the offer ("pricing model"); the reader puts the offer's name in
front (``name_of``).  ``offer.capabilities.X`` is named by the capability's own label,
which the knowledge holds (``knowledge/questions.yaml`` choices), so it is not repeated here.
"""

from __future__ import annotations

from typing import Optional

# Units as they follow a value: (English, Chinese).
UNITS: dict[str, tuple[str, str]] = {
    "usd": ("USD", "美元"),
    "usd_month": ("USD a month", "美元/月"),
    "usd_year": ("USD a year", "美元/年"),
    "usd_1000_min": ("USD per 1,000 minutes", "美元/千分钟"),
    "usd_mau": ("USD per monthly active user", "美元/月活用户"),
    "months": ("months", "个月"),
    "years": ("years", "年"),
    "hours": ("hours", "小时"),
    "minutes_month": ("minutes a month", "分钟/月"),
    "people": ("people", "人"),
    "pct_year": ("% a year", "%/年"),
    "times": ("times", "倍"),
}

# path -> (English name, Chinese name, unit key or "")
FIELD_LABELS: dict[str, tuple[str, str, str]] = {
    "upgrade": ("a specific upgrade weighed", "是否考虑具体升级", ""),
    "offers": ("the offers weighed", "所比较的方案", ""),
    "company": ("the company", "公司", ""),
    "company.name": ("company name", "公司名称", ""),
    "company.size": ("company size", "公司规模", ""),
    "company.stage": ("company stage", "公司发展阶段", ""),
    "company.industry": ("industry", "所属行业", ""),
    "company.data_sensitivity": ("data sensitivity", "数据敏感程度", ""),
    "company.rtc_engineering": ("real-time audio/video engineering skill", "实时音视频工程能力", ""),
    "company.ai_engineering": ("AI engineering skill", "AI工程能力", ""),
    "company.growth_rate_pct_per_year": ("yearly usage growth", "用量年增长率", "pct_year"),
    "company.can_forecast_usage_costs": ("can forecast usage costs", "能否预估用量成本", ""),
    "company.monthly_budget_usd": ("monthly budget", "每月预算", "usd_month"),
    "company.in_house_estimate": ("in-house build estimate", "自研成本估算", ""),
    "company.in_house_estimate.engineer_months": ("engineer-months to build", "自研所需人月", "months"),
    "company.in_house_estimate.monthly_cost_per_engineer_usd": ("monthly cost per engineer", "每名工程师月成本",
                                                                "usd_month"),
    "company.in_house_estimate.monthly_running_cost_usd": ("monthly running cost", "自研每月运行成本", "usd_month"),
    "needs": ("needs", "需求", ""),
    "needs.capabilities": ("capabilities needed", "所需能力", ""),
    "needs.pain_points": ("pain points", "痛点", ""),
    "needs.usage": ("usage", "用量", ""),
    "needs.usage.monthly_minutes": ("monthly minutes", "每月分钟数", "minutes_month"),
    "needs.usage.mau": ("monthly active users", "月活跃用户数", "people"),
    "needs.usage.peak_to_average_ratio": ("peak-to-average ratio", "峰均比", "times"),
    "needs.usage.largest_event_participants": ("largest event", "最大单场活动人数", "people"),
    "needs.contract_months": ("contract length", "使用期限", "months"),
    "needs.custom_addons": ("custom add-ons", "自定义附加功能", ""),
    "offer": ("offer", "方案", ""),
    "offer.name": ("name", "名称", ""),
    "offer.vendor": ("vendor", "供应商", ""),
    "offer.vendor.listed": ("vendor publicly listed", "供应商是否上市", ""),
    "offer.vendor.financial_strength": ("vendor's financial strength", "供应商财务实力", ""),
    "offer.vendor.years_operating": ("vendor's years operating", "供应商经营年限", "years"),
    "offer.vendor.market_position": ("vendor's market position", "供应商市场地位", ""),
    "offer.vendor.sunset_announced": ("discontinuation announced", "是否已宣布停服", ""),
    "offer.vendor.raised_prices_after_integration": ("vendor raised prices after integration", "供应商是否曾在接入后涨价",
                                                     ""),
    "offer.vendor.broad_product_line": ("vendor's broad product line", "供应商产品线是否全面", ""),
    "offer.pricing_model": ("pricing model", "计费模式", ""),
    "offer.prices": ("prices", "价格", ""),
    "offer.prices.monthly_fee_usd": ("monthly fee", "月费", "usd_month"),
    "offer.prices.included_minutes": ("included minutes", "包含分钟数", "minutes_month"),
    "offer.prices.per_1000_minutes_usd": ("price per 1,000 minutes", "每千分钟单价", "usd_1000_min"),
    "offer.prices.per_mau_usd": ("price per monthly active user", "每月活用户单价", "usd_mau"),
    "offer.prices.one_time_fee_usd": ("one-time fee", "一次性费用", "usd"),
    "offer.prices.yearly_maintenance_usd": ("yearly maintenance fee", "年维护费", "usd_year"),
    "offer.charges_for_version_updates": ("charges for version updates", "是否对版本更新收费", ""),
    "offer.buyout_includes_updates": ("buyout includes updates", "买断是否包含更新", ""),
    "offer.free_tier_hard_cap": ("free tier stops at a hard cap", "免费档是否到上限即停", ""),
    "offer.docs_quality": ("documentation quality", "文档质量", ""),
    "offer.support_response_hours": ("support response time", "技术支持响应时间", "hours"),
    "offer.data_use_policy": ("data use policy", "数据使用方式", ""),
    "offer.global_coverage": ("good service in all regions", "是否覆盖所有用户地区", ""),
    "offer.max_concurrent_participants": ("largest session", "单个会话人数上限", "people"),
    "offer.capabilities": ("capabilities", "能力", ""),
    "offer.custom_addons": ("custom add-ons", "自定义附加功能", ""),
    "upgrade.offer": ("offer upgraded", "升级所属方案", ""),
    "upgrade.kind": ("kind of upgrade", "升级类型", ""),
    "upgrade.adds_capabilities": ("capabilities the upgrade adds", "升级新增的能力", ""),
    "upgrade.adds_custom_addons": ("custom add-ons the upgrade adds", "升级新增的自定义附加功能", ""),
    "upgrade.fixes_pain_points": ("pain points the upgrade fixes", "升级解决的痛点", ""),
    "upgrade.monthly_price_usd": ("upgrade's monthly price", "升级月费", "usd_month"),
    "upgrade.one_time_price_usd": ("upgrade's one-time price", "升级一次性费用", "usd"),
    "upgrade.billed_through_maintenance": ("upgrade billed through maintenance", "升级是否通过维护费结算", ""),
    # computed values
    "derived.offer_count": ("offers weighed", "所比较方案数", ""),
    "derived.required_addon_count": ("required custom add-ons", "必需的自定义附加功能数", ""),
    "upgrade.derived.added_addon_count": ("custom add-ons the upgrade names", "升级列出的自定义附加功能数", ""),
    "upgrade.derived.new_addition_count": ("new additions of the upgrade", "升级的新增项数", ""),
    "upgrade.derived.new_capability_count": ("new capabilities of the upgrade", "升级的新能力数", ""),
    "upgrade.derived.needed_addition_count": ("new additions you need", "您需要的新增项数", ""),
    "upgrade.derived.needed_fix_count": ("your pain points the upgrade fixes", "升级解决的您的痛点数", ""),
    "upgrade.derived.monthly_cost_usd": ("upgrade's monthly cost", "升级月均成本", "usd_month"),
    "upgrade.derived.worth_up_to_usd": ("upgrade worth up to", "升级价值上限", "usd_month"),
    "upgrade.derived.cost_over_worth_usd": ("upgrade cost over its worth", "升级成本超出价值", "usd_month"),
    "upgrade.derived.update_worth_up_to_usd": ("update worth up to", "版本更新价值上限", "usd_month"),
    "upgrade.derived.cost_over_update_worth_usd": ("update cost over its worth", "版本更新成本超出价值", "usd_month"),
    "offer.derived.is_upgrade_target": ("the offer upgraded", "是否为升级所属方案", ""),
    "offer.derived.complete_rival_count": ("complete alternatives", "完整替代方案数", ""),
    "offer.derived.cheaper_complete_rival_count": ("cheaper complete alternatives", "更便宜的完整替代方案数", ""),
    "offer.derived.paywalled_must_have_count": ("paid must-haves", "需付费的必需能力数", ""),
    "offer.derived.paywalled_unknown_price_count": ("paid must-haves without a price", "未公布价格的付费必需能力数", ""),
    "offer.derived.paywalled_must_have_monthly_usd": ("price of the paid must-haves", "付费必需能力月费", "usd_month"),
    "offer.derived.unavailable_must_have_count": ("must-haves not available", "不提供的必需能力数", ""),
    "offer.derived.unlisted_must_have_count": ("must-haves not listed", "未列明的必需能力数", ""),
    "offer.derived.estimated_monthly_usd": ("estimated monthly bill", "预估月账单", "usd_month"),
    "offer.derived.over_budget_usd": ("over budget by", "超出预算", "usd_month"),
    "offer.derived.payg_monthly_usd": ("pay-as-you-go monthly cost", "按量付费月成本", "usd_month"),
    "offer.derived.fixed_for_peak_monthly_usd": ("fixed-for-peak monthly cost", "按峰值固定套餐月成本", "usd_month"),
    "offer.derived.build_total_usd": ("cost to build in-house", "自研总成本", "usd"),
    "offer.derived.buy_total_usd": ("cost to buy", "采购总成本", "usd"),
    "offer.derived.buy_saving_usd": ("saving from buying", "采购节省", "usd"),
    "offer.derived.event_headroom_ratio": ("headroom for the largest event", "最大活动余量倍数", "times"),
}


def label_of(path: str) -> Optional[tuple[str, str]]:
    """(English, Chinese) name of a catalogue path, or None when it has none."""
    found = FIELD_LABELS.get(path)
    return (found[0], found[1]) if found else None


def unit_of(path: str) -> Optional[tuple[str, str]]:
    """(English, Chinese) unit of a catalogue path's value, or None when it is a count, a choice or yes/no."""
    found = FIELD_LABELS.get(path)
    return UNITS[found[2]] if found and found[2] else None
