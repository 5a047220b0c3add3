"""The trials' index of what each derived value is computed from (``trials._derive_inputs``)
is ``proof.derived_inputs`` and ``unstated_requirements`` taken for every subject: it
expands an entry that does not depend on the subject once rather than per offer, and must
name the same facts on every worked case, with its offers and without any."""

from __future__ import annotations

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.proof import derived_inputs, unstated_requirements
from expert.explain.trials import _UNDECLARED_INPUTS, _derive_inputs
from expert.facts.fields import field_catalogue
from expert.rulebase.compiler import COMPANY_SUBJECT

CASES = load_cases(support.KNOWLEDGE / "cases")


def _per_subject(data: dict, offers: list[str]) -> dict[str, set[str]]:
    undeclared = set(_UNDECLARED_INPUTS) | {f"offers[{name}].custom_addons" for name in offers}
    inputs = {}
    for path, spec in field_catalogue().items():
        if spec.derived:
            facts = inputs[path] = set(undeclared)
            for subject in offers if path.startswith("offer.") else [COMPANY_SUBJECT]:
                facts.update(ref.id for ref in derived_inputs(path, subject, data))
                facts.update(ref.id for ref in unstated_requirements(path, subject, data))
    return inputs


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_derive_inputs_names_what_each_subject_reads(advisor, case):
    data = advisor.consult(case.profile).data
    offers = [o["name"] for o in data.get("offers") or []]
    assert _derive_inputs(data, offers) == _per_subject(data, offers)
    alone = {key: value for key, value in data.items() if key != "offers"}
    assert _derive_inputs(alone, []) == _per_subject(alone, [])
