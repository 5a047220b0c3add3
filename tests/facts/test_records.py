"""``@record`` behaves as the ``@dataclass`` it replaces (construction, equality, hashing,
repr, immutability, pickling), without generating code."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from functools import cached_property
from typing import Optional

import pytest

from expert.facts.records import field, record


@record
class Point:
    x: int
    y: int = 0
    tags: tuple = ()
    note: Optional[str] = field(default=None, compare=False)


@dataclasses.dataclass(frozen=True)
class PointDC:
    x: int
    y: int = 0
    tags: tuple = ()
    note: Optional[str] = dataclasses.field(default=None, compare=False)


@record(frozen=False)
class Bag:
    name: str
    items: list = field(default_factory=list)
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)


@record
class Lazy:
    values: tuple

    @cached_property
    def total(self) -> int:
        return sum(self.values)


def _both(*args, **kwargs) -> tuple:
    return Point(*args, **kwargs), PointDC(*args, **kwargs)


@pytest.mark.parametrize("args, kwargs", [((1,), {}), ((1, 2), {}), ((1,), {"y": 5}), ((), {"x": 3, "tags": ("a",)}),
                                          ((1, 2, (3,), "n"), {})])
def test_construction_and_repr_match_dataclass(args, kwargs):
    ours, theirs = _both(*args, **kwargs)
    assert repr(ours) == repr(theirs).replace("PointDC", "Point")
    assert (ours.x, ours.y, ours.tags, ours.note) == (theirs.x, theirs.y, theirs.tags, theirs.note)


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1, 2, 3, 4, 5), {}), ((1,), {"x": 2}), ((1,), {"z": 2})])
def test_bad_arguments_are_type_errors_as_in_dataclass(args, kwargs):
    with pytest.raises(TypeError):
        PointDC(*args, **kwargs)
    with pytest.raises(TypeError):
        Point(*args, **kwargs)


def test_equality_and_hash_over_compared_fields_only():
    assert Point(1, 2, note="a") == Point(1, 2, note="b")
    assert hash(Point(1, 2, note="a")) == hash(Point(1, 2, note="b")) == hash(PointDC(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1) != PointDC(1)  # another class is never equal
    assert Point(1).__eq__((1, 0, ())) is NotImplemented


def test_frozen_refuses_assignment_and_deletion():
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.x
    assert point.x == 1


def test_mutable_record_factories_init_false_and_unhashable():
    first, second = Bag("a"), Bag("a")
    first.items.append(1)
    assert second.items == [] and first.cache == {} and first.cache is not second.cache
    first.cache["k"] = 1
    assert first != second
    second.items.append(1)
    assert first == second  # the cache is not compared
    assert repr(first) == "Bag(name='a', items=[1])"
    with pytest.raises(TypeError):
        Bag("a", [], {})  # cache is not an argument
    with pytest.raises(TypeError):
        hash(first)


def test_pickle_copy_and_cached_property_round_trip():
    point = Point(1, 2, ("t",), "n")
    again = pickle.loads(pickle.dumps(point, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == point and again.note == "n"
    assert copy.deepcopy(point) == point and copy.copy(point) == point
    lazy = Lazy((1, 2, 3))
    assert lazy.total == 6 and lazy.total == 6
    assert pickle.loads(pickle.dumps(lazy)).values == (1, 2, 3)


def test_required_after_default_is_refused_at_definition():
    with pytest.raises(TypeError):
        @record
        class Wrong:
            a: int = 0
            b: int
