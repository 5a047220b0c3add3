"""The change-impact report as text, Markdown or JSON."""

from __future__ import annotations

import json

from expert.advice.markdown import detail
from expert.audit.diff.impact import Impact
from expert.audit.diff.rules import RuleDiff


def as_data(rules: RuleDiff, result: Impact, old: str, new: str) -> dict:
    return {
        "old": old, "new": new,
        "rules": {"added": rules.added, "removed": rules.removed,
                  "changed": [{"rule": c.rule, "what": c.what} for c in rules.changed]},
        "consultations": result.consultations,
        "changed": len(result.changed),
        "changed_samples": result.changed,
        "conclusions": {cid: {"gained": result.gained.get(cid, 0), "lost": result.lost.get(cid, 0),
                              "examples_gained": result.examples.get("+" + cid, []),
                              "examples_lost": result.examples.get("-" + cid, [])}
                        for cid in sorted(set(result.gained) | set(result.lost))},
        "verdict_flips": [{"from": a, "to": b, "consultations": n} for (a, b), n in sorted(result.verdict_flips.items())],
    }


def render(rules: RuleDiff, result: Impact, old: str, new: str, fmt: str = "text") -> str:
    data = as_data(rules, result, old, new)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    md = fmt == "markdown"
    head = (lambda s: f"## {s}") if md else (lambda s: s.upper())
    lines = [f"# Knowledge diff: {old} -> {new}" if md else f"KNOWLEDGE DIFF: {old} -> {new}", "", head("Rules")]
    lines += [f"- added: {rule}" for rule in rules.added] + [f"- removed: {rule}" for rule in rules.removed]
    lines += [f"- changed: {c.rule} ({', '.join(c.what)})" for c in rules.changed]
    if not (rules.added or rules.removed or rules.changed):
        lines.append("- none")
    lines += ["", head("Consultations"),
              f"{data['changed']:,} of {data['consultations']:,} consultations changed their advice", ""]
    lines.append(head("Verdict flips"))
    lines += [f"- {f['from']} -> {f['to']}: {f['consultations']:,}" for f in data["verdict_flips"]] or ["- none"]
    lines += ["", head("Conclusions gained and lost")]
    for cid, entry in data["conclusions"].items():
        lines.append(f"- {cid}: +{entry['gained']:,} / -{entry['lost']:,}")
        for label, names in (("gained in", entry["examples_gained"]), ("lost in", entry["examples_lost"])):
            if names:
                lines.append(detail(f"{label}: {', '.join(names)}", md))  # Markdown: a nested item
    if not data["conclusions"]:
        lines.append("- none")
    return "\n".join(lines) + "\n"
