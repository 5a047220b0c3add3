"""The smallest-change screen for any value of every fact at once, as sets of facts.

``smallest_change.py`` screens a single change before it runs it: can setting this fact
fix each condition some rule misses?  Asked with any value of the fact, the answer is
the same for all its values, so the search asks it once per fact; asked fact by fact it
walks the same conditions and conclusions again for each of the fifty or so facts.  Here
each condition and conclusion is worked out once, bottom-up, as the set of facts (a
bitset over the search's facts) for which the answer is yes, from the same two questions
about one fact the search asks (``may_move``: can it move this test's value; ``touches``:
can it move what this condition reads) combined the same way:

* a condition on facts is fixed when each of its tests that does not hold can move
  towards holding (its alternatives: when the fact touches what they read), and broken
  when one of its tests can move away;
* a conclusion can be concluded when some rule can fire (each condition it misses,
  fixed), and taken away when each rule that fires can stop (one condition, broken).

So ``bool(sets & bit)`` is exactly the search's per-fact answer with any value; only a
value the rules test directly is still asked per value (``smallest_change.py``).
"""

from __future__ import annotations

from typing import Any, Optional

from expert.explain.conditions import HELD
from expert.explain.trials import ancestors, catalogue_paths
from expert.facts.fields import field_catalogue
from expert.rulebase.rulebook import FactCondition

_EVERY_OWNER = object()  # an input field not an offer's: facts of every owner may move it


def _owned(masks: Optional[dict], offer: Any) -> int:
    """The facts of ``masks`` (per offer) that ``offer`` owns; all of them for ``_EVERY_OWNER``."""
    if not masks:
        return 0
    if offer is _EVERY_OWNER:
        known = 0
        for mask in masks.values():
            known |= mask
        return known
    return masks.get(offer, 0)


class ScreenSets:
    """The facts (bits) for which a condition can be fixed or broken, or a conclusion turned."""

    def __init__(self, search: Any, refs: list, any_value: Any) -> None:
        self.search, self.refs, self.any_value = search, refs, any_value
        self.bits = {ref.id: 1 << number for number, ref in enumerate(refs)}
        self.every = (1 << len(refs)) - 1
        self._move: dict[tuple, int] = {}
        self._index: Optional[tuple[dict, dict, dict]] = None  # see ``index``
        self._touch: dict[int, int] = {}
        self._fix: dict[tuple, int] = {}
        self._turn: dict[tuple, int] = {}

    def bit(self, ref: Any) -> int:
        """The fact's bit; 0 for a fact the sets were not worked out for (ask it alone)."""
        return self.bits.get(ref.id, 0)

    def index(self) -> tuple[dict, dict, dict]:
        """The facts by where they sit, worked out once so that a test's or a condition's set
        is a few lookups rather than a question per fact: per path, the facts at it and the
        facts inside it (each per offer, None for the company's), and per catalogue path,
        the facts whose change may move its value (``TrialRunner.touched``)."""
        if self._index is None:
            at: dict[str, dict] = {}
            inside: dict[str, dict] = {}
            moves: dict[str, int] = {}
            for ref in self.refs:
                bit = self.bits[ref.id]
                at.setdefault(ref.path, {})[ref.offer] = at.get(ref.path, {}).get(ref.offer, 0) | bit
                for section in ancestors(ref.path):
                    inside.setdefault(section, {})[ref.offer] = inside.get(section, {}).get(ref.offer, 0) | bit
                for path in self.search.runner.touched(ref):
                    moves[path] = moves.get(path, 0) | bit
            self._index = (at, inside, moves)
        return self._index

    def move(self, item: Any, subject: str, to_hold: bool) -> int:
        """The facts that, set to any value, may make a test hold (``to_hold``) or fail: as
        ``may_move`` answers with any value.  A derived value: the facts whose change moves
        it (when it is unknown and must come to hold, only those that state what it
        requires).  An input field: the facts of the same subject at it, inside it or
        around it (an offer's field: that offer's facts only)."""
        path = item.test.path
        key = (path, subject, to_hold, item.value is None)  # all ``may_move`` reads of the test
        known = self._move.get(key)
        if known is None:
            at, inside, moves = self.index()
            if field_catalogue()[path].derived:
                known = moves.get(path, 0)
                if to_hold and item.value is None:
                    known = self._stating(known, path, subject)
            else:
                offer = subject if path.startswith("offer.") else _EVERY_OWNER
                known = _owned(at.get(path), offer) | _owned(inside.get(path), offer)
                for section in ancestors(path):
                    known |= _owned(at.get(section), offer)
            self._move[key] = known
        return known

    def _stating(self, facts: int, path: str, subject: str) -> int:
        """Of ``facts``, those whose change can state every fact ``path`` requires."""
        kept = 0
        for ref in self.refs:
            bit = self.bits[ref.id]
            if facts & bit and self.search.states_requirements(ref, path, subject):
                kept |= bit
        return kept

    def touch(self, condition: Any) -> int:
        """The facts that may change what a condition reads (``TrialRunner.touches``)."""
        known = self._touch.get(id(condition))  # the knowledge's conditions outlive the search
        if known is None:
            reads = self.search.runner.condition_reads(condition)
            if not reads <= catalogue_paths():
                known = self.every
            else:
                moves = self.index()[2]
                known = 0
                for path in reads:
                    known |= moves.get(path, 0)
            self._touch[id(condition)] = known
        return known

    def fix(self, check: Any, subject: str) -> int:
        """The facts that may make ``check``, a condition that does not hold in the base, hold."""
        key = (id(check), subject)  # the search keeps its judged conditions for its whole run
        known = self._fix.get(key)
        if known is None:
            condition = check.condition
            if not isinstance(condition, FactCondition):
                known = self.turn(condition.id, check.subject, not condition.negated)
            elif condition.alternatives:
                known = self.touch(condition)
            else:
                known = self.every
                for item in check.tests:
                    if item.status != HELD:
                        known &= self.move(item, subject, True)
            self._fix[key] = known
        return known

    def brk(self, check: Any, subject: str) -> int:
        """The facts that may make ``check``, a condition that holds in the base, fail."""
        condition = check.condition
        if not isinstance(condition, FactCondition):
            return self.turn(condition.id, check.subject, condition.negated)
        if condition.alternatives:
            return self.touch(condition)
        known = 0
        for item in check.tests:
            known |= self.move(item, subject, False)
        return known

    def turn(self, cid: str, subject: str, concluded: bool) -> int:
        """The facts that may make ``cid`` concluded (``concluded``) when it is not, or not when it is."""
        key = (cid, subject, concluded)
        known = self._turn.get(key)
        if known is None:
            self._turn[key] = self.every  # a cycle (there is none: the rules form a DAG) stays possible
            instances = self.search.checked_of(cid, subject)
            if concluded:
                known = 0
                for one, checks in instances:
                    fires = self.every
                    for check in checks:
                        if check.status != HELD:
                            fires &= self.fix(check, one)
                    known |= fires
            else:
                known = self.every
                for one, checks in instances:
                    if all(check.status == HELD for check in checks):
                        stops = 0
                        for check in checks:
                            stops |= self.brk(check, one)
                        known &= stops
            self._turn[key] = known
        return known
