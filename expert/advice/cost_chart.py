"""The cost chart as HTML: an inline SVG line chart of each offer's cumulative cost, a text
legend, the offers whose cost is not known and why, and the figures as a table folded
under ``<details>`` (for screen readers and for checking by hand).

It draws the numbers of ``cost_series`` and nothing else: no line is marked best.  Plain
SVG rather than a plotting library: a handful of straight lines, axes and labels, no
network, and no dependency for the ``advise`` command to import.  Every user-written name
is escaped where it is written into the markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

from expert.advice.cost_series import (
    BILL,
    BILL_AT_PEAK,
    BUILD,
    NO_MAU,
    NO_MINUTES,
    NO_PRICE,
    PAYG_MINUTES,
    PEAK_MINUTES,
    UNPRICED,
    CostSeries,
    Reason,
    Series,
)
from expert.advice.phrases import colon, in_lang, number

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 88, 20, 16, 52
Y_TICKS = 5
# Okabe-Ito: colours told apart with the common colour-vision deficiencies; one per offer
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D", "#3B8B8B")
BUILD_COLOUR = "#222222"
DASHES = {BILL: "", BILL_AT_PEAK: "9 5", PAYG_MINUTES: "2 4", PEAK_MINUTES: "9 5", BUILD: "14 4 3 4"}

_WORDS = {
    "title": ("Cumulative cost over the contract: {months} months", "合同期内的累计成本：{months} 个月"),
    "assumed": (" (assumed: the contract length is not stated)", "（假设值：未说明合同期）"),
    "x_axis": ("Months from signing", "签约后的月数"),
    "y_axis": ("Cumulative cost (USD)", "累计成本（美元）"),
    "desc": ("One line per offer: its one-time fee at signing, then its monthly bill added each month.",
             "每个方案一条线：签约时的一次性费用，此后每月加上月账单。"),
    "line": ("{label}: {total} USD after {months} months.", "{label}：{months} 个月后共 {total} 美元。"),
    "detail": ("one-time {one_time} USD, then {monthly} USD a month; {total} USD after {months} months",
               "一次性 {one_time} 美元，此后每月 {monthly} 美元；{months} 个月后共 {total} 美元"),
    "monthly_only": ("{monthly} USD a month; {total} USD after {months} months",
                     "每月 {monthly} 美元；{months} 个月后共 {total} 美元"),
    BILL_AT_PEAK: ("{offer}, its minutes on a fixed plan sized for the peak (×{ratio})",
                     "{offer}（分钟数按峰值买固定套餐，×{ratio}）"),
    PAYG_MINUTES: ("{offer}, minutes only, pay as you go", "{offer}（仅分钟费用，按量付费）"),
    PEAK_MINUTES: ("{offer}, minutes only, fixed plan sized for the peak (×{ratio})",
                               "{offer}（仅分钟费用，按峰值买固定套餐，×{ratio}）"),
    BUILD: ("Build in-house (your estimate)", "自建（您的估算）"),
    "unknown": ("Cost not known: {offer}: {why}.", "成本未知：{offer}：{why}。"),
    UNPRICED: ("no published price for {items}", "{items}没有公布价格"),
    NO_MINUTES: ("it is priced per minute and your monthly minutes are not stated", "按分钟计费，而您未说明每月分钟数"),
    NO_MAU: ("it is priced per monthly active user and your MAU is not stated", "按月活跃用户计费，而您未说明月活跃用户数"),
    NO_PRICE: ("no recurring price is stated", "未说明持续收费的价格"),
    "nothing": ("No offer has a cost that can be drawn.", "没有可以绘制成本的方案。"),
    "table": ("The chart's figures as a table", "以表格查看图中数据"),
    "caption": ("Cumulative cost in USD by month", "按月的累计成本（美元）"),
    "month": ("Month", "月份"),
}


def _w(key: str, lang: str, **values: Any) -> str:
    return in_lang(_WORDS[key], lang).format(**values)


def _usd(value: float) -> str:
    """An amount in dollars and cents, thousands separated ("1,596", "2,657.80")."""
    return number(round(value, 2))


def series_label(line: Series, lang: str) -> str:
    """How a line is named in the legend and the table (plain text: escape it to write it)."""
    if line.kind == BILL:
        return line.offer
    ratio = f"{line.peak_ratio:g}" if line.peak_ratio is not None else "?"
    return _w(line.kind, lang, offer=line.offer, ratio=ratio)


def reason_text(reason: Reason, lang: str, labels: Mapping[str, Any]) -> str:
    """Why a bill is unknown, in words; must-haves read as their labels (plain text)."""
    if reason.code != UNPRICED:
        return _w(reason.code, lang)
    named = [getattr(labels[item], lang) if item in labels else item.removeprefix("addon:") for item in reason.items]
    return _w(UNPRICED, lang, items=("、" if lang == "zh" else ", ").join(named))


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^n) at or above ``value``:
    an axis end whose fifths read well (1 for nothing to draw)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    return next(step * scale for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if value <= step * scale * (1 + 1e-12))


def month_step(months: int) -> int:
    """Months between x-axis ticks: at most 12 ticks."""
    return next(step for step in (1, 2, 3, 6, 12, 24) if months / step <= 12)


def _colour(index: dict, line: Series) -> str:
    return BUILD_COLOUR if line.kind == BUILD else COLOURS[index[line.offer] % len(COLOURS)]


def _offer_index(costs: CostSeries) -> dict:
    names = list(dict.fromkeys(line.offer for line in costs.series if line.kind != BUILD))
    return {name: i for i, name in enumerate(names)}


def _stroke(colour: str, kind: str) -> str:
    dash = DASHES[kind]
    return f'stroke="{colour}" stroke-width="2.5" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")


def _svg(costs: CostSeries, lang: str, title: str) -> str:
    top_value = nice_ceiling(costs.highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: float) -> float:
        return round(LEFT + plot_w * month / costs.months, 2)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 2)

    parts = [f'<svg id="cost-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="cost-chart-title cost-chart-desc">',
             f'<title id="cost-chart-title">{escape(title)}</title>',
             '<desc id="cost-chart-desc">' + escape(" ".join(
                 [_w("desc", lang)] + [_w("line", lang, label=series_label(s, lang), total=_usd(s.at(costs.months)),
                                           months=costs.months) for s in costs.series])) + "</desc>",
             '<g class="axes" font-size="12" fill="#333">']
    for i in range(Y_TICKS + 1):
        value = top_value * i / Y_TICKS
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 8}" y="{y(value) + 4}" text-anchor="end">{escape(_usd(value))}</text>')
    step = month_step(costs.months)
    for month in sorted(set(range(0, costs.months + 1, step)) | {costs.months}):
        parts.append(f'<line x1="{x(month)}" x2="{x(month)}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 5}" stroke="#333"/>'
                     f'<text x="{x(month)}" y="{TOP + plot_h + 18}" text-anchor="middle">{month}</text>')
    parts += [f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#333"/>',
              f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#333"/>',
              f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">{escape(_w("x_axis", lang))}</text>',
              f'<text transform="translate(16 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">'
              f'{escape(_w("y_axis", lang))}</text>', "</g>"]
    index = _offer_index(costs)
    for line in costs.series:
        points = " L ".join(f"{x(m)} {y(line.at(m))}" for m in range(costs.months + 1))
        parts.append(f'<path class="cost-line" d="M {points}" {_stroke(_colour(index, line), line.kind)}>'
                     f"<title>{escape(series_label(line, lang))}</title></path>")
    return "\n".join(parts + ["</svg>"])


def _legend(costs: CostSeries, lang: str) -> str:
    index = _offer_index(costs)
    items = []
    for line in costs.series:
        swatch = (f'<svg class="swatch" width="36" height="10" aria-hidden="true"><line x1="0" x2="36" y1="5" y2="5" '
                  f'{_stroke(_colour(index, line), line.kind)}/></svg>')
        detail = _w("detail" if line.one_time_usd else "monthly_only", lang, one_time=_usd(line.one_time_usd),
                    monthly=_usd(line.monthly_usd), total=_usd(line.at(costs.months)), months=costs.months)
        items.append(f"<li>{swatch} <strong>{escape(series_label(line, lang))}</strong>{colon(lang)}{escape(detail)}</li>")
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _unknown(costs: CostSeries, lang: str, labels: Mapping[str, Any]) -> str:
    if not costs.unknown:
        return ""
    sep = "；" if lang == "zh" else "; "
    texts = [_w("unknown", lang, offer=u.offer, why=sep.join(reason_text(r, lang, labels) for r in u.reasons))
             for u in costs.unknown]
    items = "".join(f"<li>{escape(text)}</li>" for text in texts)
    return f'<ul class="unknown-costs">{items}</ul>'


def table_months(months: int) -> list[int]:
    """The months the table lists: every month up to two years, else the x-axis ticks and the last."""
    step = 1 if months <= 24 else month_step(months)
    return sorted(set(range(0, months + 1, step)) | {months})


def _table(costs: CostSeries, lang: str) -> str:
    head = "".join(f'<th scope="col">{escape(series_label(s, lang))}</th>' for s in costs.series)
    rows = "".join(f'<tr><th scope="row">{m}</th>' + "".join(f"<td>{_usd(s.at(m))}</td>" for s in costs.series)
                   + "</tr>" for m in table_months(costs.months))
    return (f'<details class="cost-table"><summary>{escape(_w("table", lang))}</summary>'
            f'<table><caption>{escape(_w("caption", lang))}</caption>'
            f'<thead><tr><th scope="col">{escape(_w("month", lang))}</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></details>")


def chart_title(costs: CostSeries, lang: str) -> str:
    return _w("title", lang, months=costs.months) + (_w("assumed", lang) if costs.horizon_assumed else "")


def cost_chart_html(costs: CostSeries, lang: str, labels: Mapping[str, Any]) -> str:
    """The chart block: heading, SVG, legend, unknown costs, the table (HTML, escaped)."""
    title = chart_title(costs, lang)
    if not costs.series:
        body = f'<p class="no-chart">{escape(_w("nothing", lang))}</p>'
    else:
        body = f'<figure class="chart">{_svg(costs, lang, title)}<figcaption>{_legend(costs, lang)}</figcaption></figure>'
    table = _table(costs, lang) if costs.series else ""
    return f'<h2>{escape(title)}</h2>\n{body}\n{_unknown(costs, lang, labels)}\n{table}'
