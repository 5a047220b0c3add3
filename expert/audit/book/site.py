"""Write the knowledge book: a static HTML site and one Markdown file, from the knowledge
base alone (its rules, claims, conclusions, sources and worked cases).

Pages: an index; a page per claim (its paraphrase, the paragraphs it rests on, the rules
that encode it and the cases that exercise it); every rule in plain language with its
basis, threshold sources, figure formula, the conclusions it feeds and the cases that fire
it; every case with its rationale and expectations; a threshold register; a conclusion
index; the chains of conclusions as a picture.  The article's text is not copied: claims
are paraphrases and paragraphs appear by id only.  No script, no network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Optional, Union

from expert.advice.consultation import Consultant
from expert.advice.render import in_lang
from expert.audit.book import chains, plain
from expert.audit.cases import Case, load_cases, run_case
from expert.rulebase.loader import load_knowledge
from expert.rulebase.logic import fields_and_sets
from expert.rulebase.rulebook import KnowledgeBase, Rule

_WORDS = {
    "book": ("The knowledge book", "知识手册"), "claims": ("Claims", "论断"), "rules": ("Rules", "规则"),
    "cases": ("Worked cases", "案例"), "thresholds": ("Threshold register", "阈值登记"),
    "conclusions": ("Conclusions", "结论"), "chains": ("Chains of conclusions", "结论链"),
    "paragraphs": ("rests on paragraphs", "依据段落"), "encoded_by": ("Rules that encode it", "体现它的规则"),
    "exercised_by": ("Cases that exercise it", "体现它的案例"), "basis": ("Basis", "依据"),
    "stated": ("stated by the cited paragraphs", "所引段落明确陈述"), "inferred": ("inferred", "推断"),
    "sources": ("Threshold sources", "阈值来源"), "feeds": ("Feeds", "供给"), "fired_by": ("Fired by cases", "触发它的案例"),
    "cites": ("Cites", "引用"), "formula": ("Figure formula", "计算公式"),
    "computed": ("Computed values and named sets it tests", "所检验的计算值和命名集合"),
    "set": ("set", "集合"), "none": ("none", "无"),
    "rationale": ("Rationale", "理由"), "expect": ("Expected (the article decides)", "预期(文章决定)"),
    "pin": ("Pinned (engine detail)", "固定(引擎细节)"), "verdict": ("verdict", "结论"),
    "present": ("present", "出现"), "absent": ("absent", "不出现"), "produced_by": ("Concluded by", "由以下规则得出"),
    "consumed_by": ("Needed by", "被以下规则使用"), "field": ("field", "字段"), "numbers": ("numbers", "数值"),
    "source": ("source", "来源"), "rule": ("rule", "规则"), "summary": ("rules, claims, cases", "条规则、论断、案例"),
    "legend": ("An arrow runs from a conclusion a rule needs to the one it makes; dashed: needed absent.",
               "箭头从规则需要的结论指向它得出的结论;虚线表示要求该结论不存在。"),
}
STYLE = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
         "code{background:#f3f3f3;padding:0 .2rem}section{border-top:1px solid #ddd;padding:.5rem 0}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}"
         "nav a{margin-right:1rem}")


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


@dataclass
class BookReport:
    out: Path
    pages: int
    seconds: float


class _Book:
    def __init__(self, knowledge: KnowledgeBase, cases: list[Case], fired: dict[str, set], figures: dict,
                 lang: str) -> None:
        self.knowledge, self.cases, self.fired, self.figures, self.lang = knowledge, cases, fired, figures, lang
        self.feeds = {rid: sorted(r.id for r in knowledge.rules.values()
                                  if any(c.id == rule.conclude for c in r.conclusion_conditions))
                      for rid, rule in knowledge.rules.items()}

    def page(self, title: str, body: str, depth: int = 0) -> str:
        up = "../" * depth
        nav = " ".join(f'<a href="{up}{name}.html">{_w(key, self.lang)}</a>' for name, key in (
            ("index", "book"), ("rules", "rules"), ("cases", "cases"), ("thresholds", "thresholds"),
            ("conclusions", "conclusions"), ("chains", "chains")))
        return (f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
                f"<style>{STYLE}</style></head><body><nav>{nav}</nav><h1>{escape(title)}</h1>{body}</body></html>\n")

    def rule_link(self, rid: str, up: str = "") -> str:
        return f'<a href="{up}rules.html#{escape(rid)}"><code>{escape(rid)}</code></a>'

    def case_link(self, case: Case, up: str = "") -> str:
        return f'<a href="{up}cases.html#{escape(case.id)}">{escape(case.id)}</a>'

    def index(self) -> str:
        k = self.knowledge
        items = "".join(f'<li><a href="claims/{cid}.html">{cid}</a>: {escape(c.summary.get(self.lang))}</li>'
                        for cid, c in sorted(k.claims.items()))
        summary = f"<p>{len(k.rules)} / {len(k.claims)} / {len(self.cases)} {_w('summary', self.lang)}.</p>"
        return self.page(_w("book", self.lang), f"{summary}<h2>{_w('claims', self.lang)}</h2><ul>{items}</ul>")

    def claim(self, cid: str) -> str:
        claim = self.knowledge.claims[cid]
        rules = [r for r in self.knowledge.rules.values() if cid in r.claims]
        cases = [c for c in self.cases if any(cid in self.knowledge.rules[r].claims for r in self.fired[c.id])]
        body = (f"<p>{escape(claim.summary.get(self.lang))}</p><p>{_w('paragraphs', self.lang)}: "
                f"{', '.join(claim.paragraphs)}</p><h2>{_w('encoded_by', self.lang)}</h2><ul>"
                + "".join(f"<li>{self.rule_link(r.id, '../')}: {escape(r.title.get(self.lang))}</li>" for r in rules)
                + f"</ul><h2>{_w('exercised_by', self.lang)}</h2><ul>"
                + "".join(f"<li>{self.case_link(c, '../')}</li>" for c in cases) + "</ul>")
        return self.page(f"{cid}", body, depth=1)

    def source_text(self, source) -> str:
        if source.kind == "market":
            fact = self.knowledge.market_facts[source.ref]
            return f"{source.ref} ({escape(fact.section)}): {escape(fact.text)}"
        if source.kind == "paragraph":
            return source.ref
        return f"{source.kind}: {escape(source.note)}"

    def rule_section(self, rule: Rule) -> str:
        lang = self.lang
        basis = _w("stated", lang) if rule.basis == "stated" else f"{_w('inferred', lang)}: {escape(rule.reasoning)}"
        sources = "".join(f"<li><code>{escape(p)}</code> {', '.join(str(v) for v in rule.compared_numbers[p])}: "
                          f"{self.source_text(s)}</li>" for p, s in rule.thresholds.items())
        formula = self.figures.get(rule.conclude)
        firing = [c for c in self.cases if rule.id in self.fired[c.id]]
        claims = " ".join(f'<a href="claims/{c}.html">{c}</a>' for c in rule.claims)
        feeds = ", ".join(self.rule_link(r) for r in self.feeds[rule.id]) or _w("none", lang)
        fired_by = ", ".join(self.case_link(c) for c in firing) or _w("none", lang)
        return (f'<section id="{escape(rule.id)}"><h2><code>{escape(rule.id)}</code>: {escape(rule.title.get(lang))}</h2>'
                f"<p>{escape(plain.sentence(rule, self.knowledge, lang))}</p>"
                f"<p><em>{escape(rule.because.get(lang))}</em></p>"
                f"<p>{_w('cites', lang)}: {claims} "
                f"({', '.join(rule.paragraphs)}); {Path(rule.file).name}:{rule.line}</p>"
                f"<p>{_w('basis', lang)}: {basis}</p>"
                + (f"<p>{_w('sources', lang)}:</p><ul>{sources}</ul>" if sources else "")
                + (f"<p>{_w('formula', lang)}: {escape(formula)}</p>" if formula else "")
                + self.computed_and_sets(rule)
                + f"<p>{_w('feeds', lang)}: {feeds}</p><p>{_w('fired_by', lang)}: {fired_by}</p>"
                + "</section>")

    def computed_and_sets(self, rule: Rule) -> str:
        """How each computed value the rule tests is worked out, and the named sets it uses."""
        lang = self.lang
        fields, sets = fields_and_sets(self.knowledge, [rule])
        items = [f"<li><code>{escape(p)}</code> = {escape(self.knowledge.formulas[p].get(lang))}</li>" for p in fields]
        for name in sets:
            named = self.knowledge.sets[name]
            items.append(f"<li>{_w('set', lang)} <code>{escape(name)}</code> ({escape(named.title.get(lang))}): "
                         f"{escape(', '.join(named.members))}. {escape(named.definition.get(lang))}</li>")
        return f"<p>{_w('computed', lang)}:</p><ul>{''.join(items)}</ul>" if items else ""

    def rules(self) -> str:
        return self.page(_w("rules", self.lang), "".join(self.rule_section(r) for r in self.knowledge.rules.values()))

    def case_section(self, case: Case) -> str:
        lang = self.lang
        rationale = case.rationale.get(lang) or case.rationale.get("en", "")
        title = case.title.get(lang) or case.title.get("en") or case.id

        def items(values: list[str]) -> str:
            return ", ".join(f"<code>{escape(v)}</code>" for v in values) or _w("none", lang)
        return (f'<section id="{escape(case.id)}"><h2>{escape(title)}</h2><p><code>{escape(case.id)}</code></p>'
                f"<p>{_w('rationale', lang)}: {escape(str(rationale))}</p>"
                f"<p>{_w('expect', lang)}: {_w('verdict', lang)} <code>{escape(case.verdict)}</code>; "
                f"{_w('present', lang)}: {items(case.present)}; {_w('absent', lang)}: {items(case.absent)}</p>"
                f"<p>{_w('pin', lang)}: {_w('present', lang)}: {items(case.pinned_present)}; "
                f"{_w('absent', lang)}: {items(case.pinned_absent)}</p></section>")

    def cases_page(self) -> str:
        return self.page(_w("cases", self.lang), "".join(self.case_section(c) for c in self.cases))

    def thresholds(self) -> str:
        lang = self.lang
        rows = "".join(f"<tr><td>{self.rule_link(r.id)}</td><td><code>{escape(p)}</code></td>"
                       f"<td>{', '.join(str(v) for v in r.compared_numbers[p])}</td><td>{self.source_text(s)}</td></tr>"
                       for r in self.knowledge.rules.values() for p, s in r.thresholds.items())
        head = "".join(f"<th>{_w(k, lang)}</th>" for k in ("rule", "field", "numbers", "source"))
        return self.page(_w("thresholds", lang), f"<table><tr>{head}</tr>{rows}</table>")

    def conclusions(self) -> str:
        lang, k = self.lang, self.knowledge
        sections = []
        for cid, c in k.conclusions.items():
            produced = [r.id for r in k.rules.values() if r.conclude == cid]
            consumed = sorted({r.id for r in k.rules.values() for cc in r.conclusion_conditions if cc.id == cid})
            made_by = ", ".join(self.rule_link(r) for r in produced) or _w("none", lang)
            needed_by = ", ".join(self.rule_link(r) for r in consumed) or _w("none", lang)
            sections.append(f'<section id="{escape(cid)}"><h2><code>{escape(cid)}</code>: {escape(c.title.get(lang))}</h2>'
                            f"<p>{c.kind}, {c.about}, {c.severity}</p>"
                            f"<p>{_w('produced_by', lang)}: {made_by}</p><p>{_w('consumed_by', lang)}: {needed_by}</p>"
                            "</section>")
        return self.page(_w("conclusions", lang), "".join(sections))

    def chains(self) -> str:
        return self.page(_w("chains", self.lang), f"<p>{_w('legend', self.lang)}</p>{chains.svg(self.knowledge)}")

    def markdown(self) -> str:
        lang, k = self.lang, self.knowledge
        lines = [f"# {_w('book', lang)}", "", f"## {_w('claims', lang)}", ""]
        for cid, claim in sorted(k.claims.items()):
            rules = ", ".join(r.id for r in k.rules.values() if cid in r.claims)
            lines.append(f"- **{cid}** ({', '.join(claim.paragraphs)}): {claim.summary.get(lang)} — {rules}")
        lines += ["", f"## {_w('rules', lang)}", ""]
        for rule in k.rules.values():
            basis = rule.basis if rule.basis == "stated" else f"inferred: {rule.reasoning}"
            lines += [f"### {rule.id}", "", plain.sentence(rule, k, lang), "",
                      f"{_w('basis', lang)}: {basis}; {_w('cites', lang)}: {', '.join(rule.claims + rule.paragraphs)}", ""]
        lines += [f"## {_w('cases', lang)}", ""]
        for case in self.cases:
            lines.append(f"- **{case.id}** ({case.verdict}): {case.rationale.get(lang) or case.rationale.get('en', '')}")
        return "\n".join(lines) + "\n"


def build_book(out: Union[str, Path], knowledge_dir: Optional[Union[str, Path]] = None, lang: str = "en") -> BookReport:
    """Write the book into ``out`` (created if missing); return what was written and how long it took."""
    start = time.perf_counter()
    knowledge = load_knowledge(knowledge_dir)
    consultant = Consultant(knowledge=knowledge)
    directory = Path(knowledge.directory) / "cases"
    cases = load_cases(directory) if directory.is_dir() else []
    fired, figures = {}, {}
    for case in cases:
        result = run_case(consultant, case)
        fired[case.id] = result.rules_fired
        for figure in result.advice.figures if result.advice else []:
            figures.setdefault(figure.id, figure.formula.get(lang))
    book = _Book(knowledge, cases, fired, figures, lang)
    out = Path(out)
    (out / "claims").mkdir(parents=True, exist_ok=True)
    pages = {"index.html": book.index(), "rules.html": book.rules(), "cases.html": book.cases_page(),
             "thresholds.html": book.thresholds(), "conclusions.html": book.conclusions(), "chains.html": book.chains()}
    pages.update({f"claims/{cid}.html": book.claim(cid) for cid in knowledge.claims})
    for name, text in pages.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "book.md").write_text(book.markdown(), encoding="utf-8")
    return BookReport(out, len(pages), time.perf_counter() - start)
