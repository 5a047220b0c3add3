"""The advice as one self-contained HTML page: the summary, the cost chart, then the full
advice with each conclusion's reasons folded under ``<details>`` (open on demand).

Self-contained: the style is inline, the chart is inline SVG, there is no script, and a
Content-Security-Policy forbids the page any network request, so it opens the same from
a mail attachment or an air-gapped laptop.  It reads the typed Advice (through the text
renderer's own lines, so the page and ``--format text`` say the same) and the chart's
numbers; it decides nothing.  Every text is escaped where it is written: company and
offer names are user input.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any, Optional

from expert.advice.cost_chart import cost_chart_html
from expert.advice.cost_series import cost_series
from expert.advice.model import Advice, Conclusion
from expert.advice.phrases import colon, grouped, in_lang, title_line, word, worst_severity
from expert.advice.render import _lines, missing_text
from expert.advice.summary import summary_lines
from expert.facts.derive import Derivation
from expert.facts.vocabulary import Profile

_WORDS = {
    "summary": ("Summary", "摘要"),
    "open": ("Each item opens to show why: the rules that concluded it and the article's claims they cite.",
             "点开每一项可查看原因：得出它的规则，以及规则引用的文章论断。"),
    "knowledge": ("Knowledge base", "知识库"),
    "generator": ("Written by expert, the explainable advisor on paying for upgrades.",
                  "由 expert（可解释的升级付费顾问）生成。"),
}
SECTIONS = ("verdict", "fits", "unfits", "warnings", "actions", "figures", "findings")

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei",sans-serif;margin:0;color:#1d1d1f;background:#fafafa;line-height:1.5}
main{max-width:880px;margin:0 auto;padding:24px 20px 48px;background:#fff}
h1{font-size:1.6em;margin:0 0 12px}h2{font-size:1.25em;margin:28px 0 10px;border-bottom:1px solid #e3e3e3}
h3{font-size:1.05em;margin:18px 0 6px}
.summary p{margin:4px 0}.summary ul{margin:2px 0 8px;padding-left:22px}
.chart{margin:0}#cost-chart{max-width:100%;height:auto;display:block}
.legend{list-style:none;padding:0;margin:8px 0}.legend li{margin:3px 0}.swatch{vertical-align:middle}
.unknown-costs{color:#8a3a00;list-style:none;padding:0}
table{border-collapse:collapse;font-size:.9em;margin-top:6px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
caption{text-align:left;font-weight:600;padding:4px 0}
details{margin:4px 0}summary{cursor:pointer}
.conclusion{border-left:4px solid #c9c9c9;padding:2px 10px;margin:6px 0;list-style:none}
.conclusion ul{margin:4px 0;padding-left:18px;color:#444;font-size:.95em}
.sev-low{border-color:#7aa7d6}.sev-medium{border-color:#e69f00}.sev-high{border-color:#d55e00}
.items{padding:0;margin:0}footer{margin-top:32px;color:#666;font-size:.85em}
""".strip()
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def _summary(advice: Advice, lang: str) -> str:
    """The <=12-line summary, as paragraphs and lists (a "- " line is a list item)."""
    out, items = [], []
    for line in summary_lines(advice, lang):
        if line.startswith("- "):
            items.append(f"<li>{escape(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        label, sep, rest = line.partition(colon(lang).strip())
        out.append(f"<p><strong>{escape(label + sep)}</strong>{escape(rest)}</p>" if sep else f"<p>{escape(line)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def _item(group: list[Conclusion], lang: str, extra: Optional[str] = None) -> str:
    """One conclusion (all its subjects): its line as the <summary>, its reasons folded."""
    head, *details = _lines(group, lang, "", False)
    if extra:
        details.insert(0, extra)
    worst = worst_severity(group)
    body = "".join(f"<li>{escape(line.strip())}</li>" for line in details)
    return (f'<li class="conclusion sev-{worst}"><details><summary>{escape(head)}</summary>'
            f"<ul>{body}</ul></details></li>")


def _full(advice: Advice, lang: str) -> str:
    parts = [f"<h2>{escape(word('full', lang))}</h2>", f"<p>{escape(_w('open', lang))}</p>"]
    for key in SECTIONS:
        items = [advice.verdict] if key == "verdict" else getattr(advice, key)
        if not items:
            continue
        missing = (f"{word('missing', lang)}{colon(lang)}{missing_text(advice, lang)}"
                   if key == "verdict" and advice.verdict.missing else None)
        body = "".join(_item(group, lang, missing) for group in grouped(items))
        parts.append(f'<section id="{key}"><h3>{escape(word(key, lang))}</h3><ul class="items">{body}</ul></section>')
    return "\n".join(parts)


def render_page(advice: Advice, profile: Profile, labels: Mapping[str, Any], lang: Optional[str] = None,
                brief: bool = False, derivation: Optional[Derivation] = None) -> str:
    """The whole page for ``advice`` on ``profile`` (``labels``: the knowledge's value
    labels, for the must-haves a cost waits on); ``brief``: summary and chart only."""
    lang = lang or advice.lang
    title = title_line(advice, lang)
    chart = cost_chart_html(cost_series(profile, derivation), lang, labels)
    full = "" if brief else f'<section id="advice">{_full(advice, lang)}</section>'
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
<section id="summary" class="summary"><h2>{escape(_w('summary', lang))}</h2>
{_summary(advice, lang)}
</section>
<section id="costs">{chart}</section>
{full}
<footer>{escape(_w('generator', lang))}
{escape(_w('knowledge', lang) + colon(lang))}<code>{escape(advice.knowledge)}</code></footer>
</main>
</body>
</html>
"""
