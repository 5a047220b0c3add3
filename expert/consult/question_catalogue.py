"""Load ``knowledge/questions.yaml``: the question text for each input fact, and how each
answer value reads as a choice, in both languages.

Checked like the rules: an unknown fact, a missing language, an offer question without
``{offer}``, a fact the rules depend on that has no question, or an enum value without a
label is a ``KnowledgeError`` naming the file and line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Optional

from expert.consult.relevance import tested_paths
from expert.facts import vocabulary
from expert.facts.factpaths import OFFERS, UPGRADE
from expert.facts.fields import SECTION, field_catalogue
from expert.facts.yamlsource import line_of
from expert.rulebase.loader import QUESTIONS_FILE, KnowledgeError, Problems, read_bilingual, read_knowledge_file
from expert.rulebase.rulebook import Bilingual, KnowledgeBase


@dataclass(frozen=True)
class QuestionText:
    fact: str  # catalogue path, "upgrade" or "offers"
    text: Bilingual
    hint: Optional[Bilingual] = None


@dataclass
class QuestionCatalogue:
    questions: dict[str, QuestionText] = field(default_factory=dict)
    choices: dict[str, Bilingual] = field(default_factory=dict)

    def text_of(self, fact: str) -> QuestionText:
        """The question for a catalogue path (a plain fallback for knowledge bases without questions.yaml)."""
        found = self.questions.get(fact)
        if found is not None:
            return found
        shown = fact.replace("offer.", "{offer}: ")
        return QuestionText(fact, Bilingual(f"What is {shown}?", f"请提供 {shown}。"))


def askable_facts() -> set[str]:
    """Every input fact a question may fill."""
    facts = {OFFERS, UPGRADE}
    for path, spec in field_catalogue().items():
        if spec.derived or path in ("company.name", "offer.name") or path.startswith("offer.capabilities."):
            continue
        if spec.kind == SECTION and path != "offer.capabilities":
            continue
        if path.startswith("company.in_house_estimate."):
            continue
        facts.add(path)
    facts.add("company.in_house_estimate")
    return facts


def needed_facts(knowledge: KnowledgeBase) -> set[str]:
    """The input facts some rule reads, directly or through a derived value."""
    askable = askable_facts()
    needed: set[str] = set()
    for tested in tested_paths(knowledge):
        spec = field_catalogue()[tested]
        paths = [i.replace("offers.", "offer.").replace("target.", "offer.") for i in spec.inputs] if spec.derived \
            else [tested]
        for path in paths:
            if path.startswith("offer.capabilities."):
                path = "offer.capabilities"
            if path in askable:  # a section (offer.prices, needs.usage) is asked field by field
                needed.add(path)
    return needed


def _enum_values() -> set[str]:
    return {member.value for item in vars(vocabulary).values()
            if isinstance(item, type) and issubclass(item, Enum) and item.__module__ == vocabulary.__name__
            for member in item}


def load_questions(knowledge: KnowledgeBase) -> QuestionCatalogue:
    path = Path(knowledge.directory) / QUESTIONS_FILE
    if not path.exists():
        return QuestionCatalogue()
    problems = Problems()
    file = str(path)
    _, data = read_knowledge_file(path, problems, hashlib.sha256())
    if problems.items:  # unreadable or not YAML: say that, not what the shape should be
        raise KnowledgeError(problems.items)
    if not isinstance(data, dict) or set(data) != {"questions", "choices"} or not isinstance(data["questions"], list) \
            or not isinstance(data["choices"], dict):
        raise KnowledgeError([f"{file}: holds two keys: 'questions' (a list) and 'choices' (a mapping)"])
    catalogue = QuestionCatalogue()
    allowed = askable_facts()
    for node in data["questions"]:
        line = line_of(node)
        if not isinstance(node, dict) or not set(node) <= {"fact", "text", "hint"} or "fact" not in node or "text" not in node:
            problems.add(file, line, None, "a question has the keys fact, text and optionally hint")
            continue
        fact = node["fact"]
        if fact not in allowed:
            problems.add(file, line, None, f"question for {fact!r}: not an input fact of the vocabulary")
            continue
        if fact in catalogue.questions:
            problems.add(file, line, None, f"a second question for {fact}")
        text = read_bilingual(node["text"], f"question {fact} text", file, line, None, problems)
        hint = read_bilingual(node["hint"], f"question {fact} hint", file, line, None, problems) if "hint" in node else None
        placeholders = ["{offer}"] if fact.startswith("offer.") else []
        placeholders += ["{capability}"] if fact == "offer.capabilities" else []
        for placeholder in placeholders:
            if placeholder not in text.en or placeholder not in text.zh:
                problems.add(file, line, None, f"question {fact}: both texts must contain {placeholder}")
        catalogue.questions[fact] = QuestionText(fact, text, hint)
    for fact in sorted(needed_facts(knowledge) - set(catalogue.questions)):
        problems.add(file, 0, None, f"no question for {fact}, which the rules depend on")
    for value, text in data["choices"].items():
        catalogue.choices[str(value)] = read_bilingual(text, f"choice {value}", file, line_of(data["choices"]), None, problems)
    enum_values = _enum_values()
    for value in sorted(enum_values - set(catalogue.choices)):
        problems.add(file, line_of(data["choices"]), None, f"no label for the answer value {value!r}")
    for value in sorted(set(catalogue.choices) - enum_values):
        problems.add(file, line_of(data["choices"]), None, f"label for {value!r}, which is no value of the vocabulary")
    if problems.items:
        raise KnowledgeError(problems.items)
    return catalogue
