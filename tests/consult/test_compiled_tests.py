"""The relevance analysis judges a rule's tests with operators resolved once per knowledge
base (``relevance._holds_function``); they must say held exactly when the reference
(``explain.conditions.status_of_test``, which the engine agreement test pins) does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from expert.consult.relevance import _holds_function
from expert.explain.conditions import HELD, status_of_test
from expert.interfaces.advisor import default_advisor


def _every_test():
    return [t for rule in default_advisor().knowledge.rules.values()
            for c in rule.fact_conditions for t in c.all_tests]


def _values_near(test) -> list:
    """Values around the test's constant: itself, its neighbours, its members, others."""
    wanted = test.value
    values: list = [None, wanted, True, False, 0, "other", ["other"], []]
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        values += [wanted - 1, wanted + 1, wanted - 0.5, wanted + 0.5]
    if isinstance(wanted, (list, tuple)):
        values += [list(wanted), list(wanted)[:1], list(wanted)[1:], *wanted, [*wanted, "other"]]
    if isinstance(wanted, str):
        values += [[wanted], [wanted, "other"]]
    return values


def test_compiled_operators_agree_with_the_reference_on_every_rule_test():
    tests = _every_test()
    assert len({t.operator for t in tests}) >= 8  # the knowledge uses most operators
    for test in tests:
        holds = _holds_function(test)
        for value in _values_near(test):
            try:
                expected = status_of_test(test, value) == HELD
            except TypeError:  # a value of the wrong type for the operator: not one the engine gives
                continue
            assert holds(value) == expected, (test, value)


@settings(max_examples=200, deadline=None)
@given(index=st.integers(min_value=0), value=st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8), st.lists(st.text(max_size=8), max_size=4)))
def test_compiled_operators_agree_on_any_value(index, value):
    tests = _every_test()
    test = tests[index % len(tests)]
    try:
        expected = status_of_test(test, value) == HELD
    except TypeError:
        return
    assert _holds_function(test)(value) == expected
