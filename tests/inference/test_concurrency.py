"""Many threads, one advisor: every answer equals the one computed alone, and nothing crashes.

No timing is asserted here (a loaded CI machine is slow, not wrong): benchmarks/stress.py
measures throughput under threads."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import support

from expert import advise

THREADS = 8
CONSULTATIONS = 800  # enough to keep 8 threads overlapping; benchmarks/stress.py runs 100,000


def test_profiles_are_distinct():
    seen = {json.dumps(support.distinct_profile(i), sort_keys=True) for i in range(CONSULTATIONS)}
    assert len(seen) == CONSULTATIONS


def test_threads_get_the_answers_computed_alone(advisor):
    profiles = [support.distinct_profile(i) for i in range(CONSULTATIONS)]
    expected = [advisor.advise(p).model_dump() for p in profiles]
    verdicts = {e["verdict"]["id"] for e in expected}
    assert len(verdicts) >= 3, verdicts  # the family exercises every verdict

    barrier = threading.Barrier(THREADS)
    errors: list = []

    def consult(index: int) -> dict:
        if index < THREADS:
            barrier.wait(timeout=120)  # make the first consultations truly overlap (generous: a loaded machine is slow)
        try:
            return (advise if index % 2 else advisor.advise)(profiles[index]).model_dump()
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append((index, repr(error)))
            raise

    order = list(range(CONSULTATIONS))
    order = order[::2] + order[1::2]  # not the sequential order
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = dict(zip(order, pool.map(consult, order)))
    assert not errors, errors[:5]
    mismatched = [i for i in range(CONSULTATIONS) if results[i] != expected[i]]
    assert not mismatched, f"{len(mismatched)} answers differ, e.g. profile {mismatched[0]}"


def test_threads_with_different_languages_and_errors(advisor):
    good = support.full_profile()
    bad = {"needs": {"contract_months": 0}}
    expected = {lang: advisor.advise(good, lang=lang).model_dump() for lang in ("en", "zh")}

    def consult(i: int):
        if i % 5 == 0:
            try:
                advisor.advise(bad)
            except ValueError:  # pydantic.ValidationError is a ValueError
                return "invalid"
            return "accepted"
        lang = "zh" if i % 2 else "en"
        return advisor.advise(good, lang=lang).model_dump() == expected[lang]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(consult, range(200)))
    assert results.count("invalid") == 40
    assert all(r is True for i, r in enumerate(results) if i % 5)


def test_two_advisors_in_parallel_threads(advisor, mini_kb):
    from expert.interfaces.advisor import Advisor

    mini = Advisor(mini_kb)
    jobs = [(advisor if i % 2 else mini, support.distinct_profile(i)) for i in range(400)]
    expected = [who.advise(p).model_dump() for who, p in jobs]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda job: job[0].advise(job[1]).model_dump(), jobs))
    assert results == expected
