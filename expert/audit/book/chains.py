"""Which conclusions feed which, drawn as an inline SVG (no script, no network).

Conclusions stand in columns by depth (how many conclusions a chain passes through before
reaching them); an arrow runs from a conclusion a rule needs to the conclusion it makes,
dashed when the rule needs it absent.
"""

from __future__ import annotations

from html import escape

from expert.rulebase.rulebook import KnowledgeBase

COLUMN, ROW, MARGIN = 300, 20, 30


def depths(knowledge: KnowledgeBase) -> dict[str, int]:
    """Conclusion id -> its depth: 0 when its rules test facts only, else 1 + the deepest it needs."""
    memo: dict[str, int] = {}

    def depth(cid: str, seen: frozenset = frozenset()) -> int:
        if cid in memo:
            return memo[cid]
        if cid in seen:
            return 0
        needed = [c.id for r in knowledge.rules.values() if r.conclude == cid for c in r.conclusion_conditions]
        memo[cid] = 1 + max(depth(n, seen | {cid}) for n in needed) if needed else 0
        return memo[cid]

    used = {r.conclude for r in knowledge.rules.values()} | {c.id for r in knowledge.rules.values()
                                                             for c in r.conclusion_conditions}
    return {cid: depth(cid) for cid in sorted(used)}


def svg(knowledge: KnowledgeBase, link: str = "conclusions.html#") -> str:
    levels = depths(knowledge)
    columns: dict[int, list[str]] = {}
    for cid, level in sorted(levels.items(), key=lambda item: (item[1], item[0])):
        columns.setdefault(level, []).append(cid)
    place = {cid: (MARGIN + level * COLUMN, MARGIN + row * ROW)
             for level, ids in columns.items() for row, cid in enumerate(ids)}
    width = MARGIN * 2 + (max(columns) + 1) * COLUMN
    height = MARGIN * 2 + max(len(ids) for ids in columns.values()) * ROW
    edges = sorted({(c.id, r.conclude, c.negated) for r in knowledge.rules.values() for c in r.conclusion_conditions})
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="conclusion chains">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#777"/></marker></defs>']
    for source, target, negated in edges:
        (x1, y1), (x2, y2) = place[source], place[target]
        dash = ' stroke-dasharray="4 3"' if negated else ""
        parts.append(f'<line x1="{x1 + COLUMN - 40}" y1="{y1 - 4}" x2="{x2 - 4}" y2="{y2 - 4}" stroke="#999" '
                     f'stroke-width="0.8" marker-end="url(#arrow)"{dash}/>')
    for cid, (x, y) in place.items():
        parts.append(f'<a href="{escape(link + cid)}"><text x="{x}" y="{y}" font-size="12" '
                     f'font-family="sans-serif">{escape(cid)}</text></a>')
    parts.append("</svg>")
    return "\n".join(parts)
