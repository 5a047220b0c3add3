"""The fixed-size tables of durable_rules' C core, and a check that a ruleset fits them.

durable_rules 2.0.28 builds one alpha network per ruleset (rete.c) out of tables whose
sizes are compile-time constants.  Filled, some return an error, but others do not:
``findAlpha`` probes a node's 512-slot child table until it meets an empty slot, so once
all 512 are taken, adding a 513th distinct test spins forever (SIGINT is not even
delivered); the 128- and 256-entry lists are scanned until a zero entry, so a full one is
read past its end.  Every limit below is read from that source (file, constant), and
each is checked on the compiled patterns *before* the engine sees them, by replaying how
rete.c builds its network:

* a pattern ``{"$and": [a, b, ...]}`` chains a -> b -> ... from the parent node, each test
  a node shared by every pattern with the same (field, operator, value) at that place;
* ``$nex`` tests and the "forward" node that ends each ``$or`` sit in the parent's
  *list* (``NEXT_LIST_LENGTH``), every other test in its *hash table* (``NEXT_BUCKET_LENGTH``);
* a pattern's last node lists the join node it feeds (``BETA_LIST_LENGTH``);
* each ``$and``/``$or`` adds two entries, each join test one, to the pattern's expression
  sequence (``MAX_SEQUENCE_EXPRESSIONS``);
* matching one fact walks the network depth first with a ``MAX_STACK_SIZE`` stack of
  pending nodes (events.c): bounded here by what a fact can match at once along any path
  (equality tests on one field exclude each other; other tests are assumed to all match);
  verified: 65 rules testing one number against 65 constants crash the process;
* a ruleset has at most ``MAX_ACTIONS`` rules, a rule's ``pri`` is read into an
  ``unsigned short``, and a fact has fewer than ``MAX_OBJECT_PROPERTIES`` fields (state.h).

The replay over-counts rather than under-counts (values that the C code would compare as
equal, such as 30 and 30.0, count as two), so a knowledge base it accepts fits.
"""

from __future__ import annotations

import bisect
from collections import Counter

from expert.facts.fields import ENGINE_SEPARATOR

# rules.h / rete.h / state.h of durable_rules 2.0.28 (github.com/jruizgit/rules, src/rules/)
NEXT_BUCKET_LENGTH = 512  # rules.h: a node's hash table of child tests; findAlpha needs a free slot
NEXT_LIST_LENGTH = 128  # rules.h: a node's list of $nex children and $or forward nodes
BETA_LIST_LENGTH = 256  # rules.h: a node's list of the join nodes it feeds
MAX_SEQUENCE_EXPRESSIONS = 32  # rete.c: expressions per pattern ($and/$or brackets, joins)
MAX_ACTIONS = 4096  # rete.c: rules per ruleset
MAX_PRIORITY = 65535  # rete.c getSetting: 'pri' is read into an unsigned short
MAX_OBJECT_PROPERTIES = 255  # state.h: fields per fact, counting 'id' and 'sid'
MAX_STACK_SIZE = 64  # events.c handleAlpha: alpha nodes pending while one fact is matched

ALPHA_CHILDREN = NEXT_BUCKET_LENGTH - 1  # one slot must stay empty for findAlpha's probe to stop
LIST_CHILDREN = NEXT_LIST_LENGTH - 1  # the lists are scanned until a zero entry
JOIN_CHILDREN = BETA_LIST_LENGTH - 1
SEQUENCE_EXPRESSIONS = MAX_SEQUENCE_EXPRESSIONS - 1  # the check fires when the count reaches 32
FACT_FIELDS = MAX_OBJECT_PROPERTIES - 1  # the check fires when the count reaches 255
_OPERATORS = {"$eq", "$neq", "$lt", "$lte", "$gt", "$gte", "$ex", "$nex", "$mt", "$imt"}


class _Node:
    """One alpha node as rete.c would build it; ``where`` names the test for messages.
    (A plain class: a dataclass would cost a one-shot command about 1 ms to build.)"""

    def __init__(self, where: str) -> None:
        self.where = where
        self.tests: dict = {}  # (field, operator, value) -> _Node (hash table)
        self.listed: dict = {}  # $nex tests -> _Node (list)
        self.forwards: list = []  # the $or forward nodes in the list
        self.constants: dict = {}  # child key -> the constant it compares with
        self.joins = 0  # beta nodes fed

    def children(self) -> list[_Node]:
        return [*self.tests.values(), *self.listed.values(), *self.forwards]

    def matching_at_once(self) -> int:
        """How many children one fact can match together, field by field: the most tests on
        a field that one value (or its absence) satisfies; forward nodes always match."""
        by_field: dict[str, list] = {}
        for name, operator, constant in [*self.tests, *self.listed]:
            by_field.setdefault(name, []).append((operator, self.constants[name, operator, constant]))
        return sum(_most_satisfied(tests) for tests in by_field.values()) + len(self.forwards)


def _most_satisfied(tests: list[tuple[str, object]]) -> int:
    """The most of one field's tests a single value, or the field's absence, satisfies.

    Every candidate value (each constant, just above and below each number, and "something
    else") is scored with counts and bisection, so thousands of tests cost milliseconds.
    Joins count as always satisfied (an over-count is safe); a range test is satisfied
    only by numbers (the loader allows ranges only on number fields, which hold numbers).
    """
    missing = sum(1 for operator, _ in tests if operator == "$nex")
    always = sum(1 for operator, constant in tests if operator == "$ex" or isinstance(constant, dict))
    equal, unequal = Counter(), Counter()
    ranges: dict[str, list] = {"$lt": [], "$lte": [], "$gt": [], "$gte": []}
    for operator, constant in tests:
        if operator in ("$nex", "$ex") or isinstance(constant, dict):
            continue
        if operator == "$eq":
            equal[constant] += 1
        elif operator == "$neq":
            unequal[constant] += 1
        elif operator in ranges and _is_number(constant):
            ranges[operator].append(constant)
        else:
            always += 1  # an operator or constant this model does not know: assume it matches
    for values in ranges.values():
        values.sort()
    numbers = sorted({c for c in [*equal, *unequal, *(c for v in ranges.values() for c in v)] if _is_number(c)})
    candidates: list = [*equal, *unequal, _OTHER]
    for number in numbers:
        candidates += [number - 1e-6, number + 1e-6]
    if numbers:
        candidates += [numbers[0] - 1, numbers[-1] + 1]
    unequal_total = sum(unequal.values())
    best = 0
    for value in candidates:
        count = equal.get(value, 0) + unequal_total - unequal.get(value, 0)
        if _is_number(value):
            count += (len(ranges["$lt"]) - bisect.bisect_right(ranges["$lt"], value)
                      + len(ranges["$lte"]) - bisect.bisect_left(ranges["$lte"], value)
                      + bisect.bisect_left(ranges["$gt"], value) + bisect.bisect_right(ranges["$gte"], value))
        best = max(best, count)
    return max(best + always, missing)


_OTHER = object()  # a value equal to no constant


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Network:
    def __init__(self) -> None:
        self.root = _Node("the fact type test")
        self.nodes = [self.root]

    def add(self, expression: dict, parent: _Node) -> tuple[_Node, int]:
        """Add a pattern's expression under parent: (its last node, expression entries used)."""
        ((name, value),) = expression.items()
        if name == "$and":
            used = 2
            for part in value:
                parent, more = self.add(part, parent)
                used += more
            return parent, used
        if name == "$or":
            forward = self._node(f"an any-of under {parent.where}")
            used = 2
            for branch in value:
                end, more = self.add(branch, parent)
                end.forwards.append(forward)
                used += more
            return forward, used
        if name in _OPERATORS:
            ((field_name, constant),) = value.items()
            operator = name
        else:
            field_name, operator, constant = name, "$eq", value
        joined = isinstance(constant, dict)
        key = (field_name, operator, repr(constant))
        table = parent.listed if operator == "$nex" else parent.tests
        child = table.get(key)
        if child is None:
            parent.constants[key] = constant
            shown_name = field_name.replace(ENGINE_SEPARATOR, ".")
            child = table[key] = self._node(f"the test {shown_name} {operator} {_short(constant)}")
        return child, 1 if joined else 0

    def _node(self, where: str) -> _Node:
        node = _Node(where)
        self.nodes.append(node)
        return node


def _stack_bound(node: _Node, memo: dict) -> int:
    """Most alpha nodes durable_rules' matching (events.c handleAlpha, a depth-first walk
    with a 64-entry stack: pop one node, push the children it matches) can hold pending
    once ``node`` is popped: what it pushes, or, while its top child is worked on, the other
    pushed children plus what that child needs in turn.  Iterative: a chain thousands of
    tests long is no recursion."""
    order, stack = [], [node]
    while stack:
        current = stack.pop()
        if id(current) in memo:
            continue
        memo[id(current)] = None
        order.append(current)
        stack.extend(current.children())
    for current in reversed(order):  # children before parents (the network is a tree of shared nodes)
        if not current.children():
            memo[id(current)] = 0
            continue
        # handleAlpha pops a node, then pushes the k children it matches; the child on top is
        # popped in turn while the other k - 1 wait: a chain (k = 1) does not grow the stack
        pushed = current.matching_at_once()
        below = max((memo[id(child)] or 0 for child in current.children()), default=0)
        memo[id(current)] = max(pushed, pushed - 1 + below) if pushed else 0
    return memo[id(node)]


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def engine_limit_problems(definition: dict[str, dict], fact_fields: dict[str, int]) -> list[str]:
    """What in a durable_rules ruleset definition would overflow the C core's tables.

    ``definition`` maps rule names to ``{"all": [{alias: expression}, ...], "pri": n}``;
    ``fact_fields`` maps each fact type to the most fields one of its facts can carry.
    """
    problems = []
    if len(definition) > MAX_ACTIONS:
        problems.append(f"{len(definition):,} rules (with the engine's own): durable_rules holds at most "
                        f"{MAX_ACTIONS:,} in one ruleset (MAX_ACTIONS)")
    network = _Network()
    for rule, pattern in definition.items():
        if pattern.get("pri", 0) > MAX_PRIORITY:
            problems.append(f"rule {rule}: chained {pattern['pri'] // 10:,} conclusions deep; durable_rules' "
                            f"priorities allow at most {MAX_PRIORITY // 10:,}")
        for item in pattern["all"]:
            ((alias, expression),) = item.items()
            end, used = network.add(expression, network.root)
            end.joins += 1
            if used > SEQUENCE_EXPRESSIONS:
                problems.append(f"rule {rule}: the conditions on {alias!r} need {used} engine expressions "
                                f"(any_of groups and joins); durable_rules allows {SEQUENCE_EXPRESSIONS} "
                                f"(MAX_SEQUENCE_EXPRESSIONS): split the rule")
    for node in network.nodes:
        if len(node.tests) > ALPHA_CHILDREN:
            fields = Counter(key[0] for key in node.tests).most_common(1)[0][0].replace(ENGINE_SEPARATOR, ".")
            problems.append(f"{len(node.tests):,} distinct tests (mostly on {fields}) follow {node.where}; durable_rules "
                            f"holds at most {ALPHA_CHILDREN} (NEXT_BUCKET_LENGTH {NEXT_BUCKET_LENGTH}, and beyond "
                            f"it hangs): use fewer distinct constants or conclusions there")
        listed = len(node.listed) + len(node.forwards)
        if listed > LIST_CHILDREN:
            problems.append(f"{listed:,} 'unknown' tests and any-of groups follow {node.where}; durable_rules holds "
                            f"at most {LIST_CHILDREN} (NEXT_LIST_LENGTH {NEXT_LIST_LENGTH})")
        if node.joins > JOIN_CHILDREN:
            problems.append(f"{node.joins:,} rules end their conditions at {node.where}; durable_rules holds at most "
                            f"{JOIN_CHILDREN} (BETA_LIST_LENGTH {BETA_LIST_LENGTH})")
    for kind_test, node in network.root.tests.items():
        depth = 1 + _stack_bound(node, {})  # the root's matching child, then what that node pushes
        if depth > MAX_STACK_SIZE:
            problems.append(f"a {kind_test[2]} fact could leave {depth} tests pending at once while durable_rules "
                            f"matches it; it holds at most {MAX_STACK_SIZE} (MAX_STACK_SIZE, events.c; beyond it "
                            f"the process corrupts its memory): fewer rules testing different fields or "
                            f"ranges of one field")
    for kind, count in sorted(fact_fields.items()):
        if count > FACT_FIELDS:
            problems.append(f"rules read {count} fields of the {kind} fact; durable_rules takes at most "
                            f"{FACT_FIELDS} per fact (MAX_OBJECT_PROPERTIES {MAX_OBJECT_PROPERTIES})")
    return problems
