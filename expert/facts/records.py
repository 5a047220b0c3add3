"""Value classes declared like dataclasses, built without generating code at import.

``@dataclass`` writes the source of five or six methods for every frozen class and
compiles each with ``exec`` when the module is imported: about 1 ms a class on Python
3.11, and the knowledge base alone has fourteen, all needed before a one-shot
``expert advise`` can read its knowledge snapshot.  ``@record`` gives the same behaviour
from methods written once here (and so compiled once, into the bytecode cache):

* construction by position or keyword, with defaults, ``field(default_factory=...)`` and
  ``field(init=False)`` as in ``dataclasses``, and the same ``TypeError`` for a missing,
  unknown or repeated argument;
* equality over the fields not marked ``compare=False``, only between instances of the
  same class, and (when frozen) the hash of those fields;
* a ``Name(field=value, ...)`` repr (without the fields marked ``repr=False``);
* frozen (the default): assigning or deleting an attribute raises
  ``dataclasses.FrozenInstanceError``.

Instances keep their fields in ``__dict__`` like a dataclass without slots, so pickling,
``copy`` and ``functools.cached_property`` behave as before.  Only the class's own
annotations are fields: a record does not inherit fields.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, FrozenInstanceError, field
from typing import Any, Callable, TypeVar

__all__ = ["record", "field"]

T = TypeVar("T", bound=type)


class _Spec:
    """What ``@record`` read from one class's annotations."""

    __slots__ = ("names", "init", "compared", "shown", "defaults", "factories", "later")

    def __init__(self, cls: type) -> None:
        self.names: tuple[str, ...] = tuple(cls.__dict__.get("__annotations__", {}))
        self.defaults: dict[str, Any] = {}
        self.factories: dict[str, Callable[[], Any]] = {}
        init, compared, shown, later = [], [], [], []
        for name in self.names:
            declared = cls.__dict__.get(name, MISSING)
            if isinstance(declared, Field):
                if declared.default is not MISSING:
                    self.defaults[name] = declared.default
                    setattr(cls, name, declared.default)  # as dataclasses leaves it
                else:
                    if declared.default_factory is not MISSING:
                        self.factories[name] = declared.default_factory
                    delattr(cls, name)
                (init if declared.init else later).append(name)
                if declared.compare:
                    compared.append(name)
                if declared.repr:
                    shown.append(name)
            else:
                if declared is not MISSING:
                    self.defaults[name] = declared
                init.append(name)
                compared.append(name)
                shown.append(name)
        self.init, self.compared, self.later = tuple(init), tuple(compared), tuple(later)
        self.shown = tuple(shown)
        required_after_default = [n for i, n in enumerate(init) if self._required(n)
                                  and any(not self._required(m) for m in init[:i])]
        if required_after_default:
            raise TypeError(f"non-default argument {required_after_default[0]!r} follows default argument")

    def _required(self, name: str) -> bool:
        return name not in self.defaults and name not in self.factories

    def fill(self, instance: object, args: tuple, kwargs: dict) -> None:
        owner = type(instance).__qualname__
        if len(args) > len(self.init):
            raise TypeError(f"{owner}.__init__() takes {len(self.init) + 1} positional arguments "
                            f"but {len(args) + 1} were given")
        values = dict(zip(self.init, args, strict=False))  # (fewer args: defaults fill the rest)
        for name, value in kwargs.items():
            if name not in self.init:
                raise TypeError(f"{owner}.__init__() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{owner}.__init__() got multiple values for argument {name!r}")
            values[name] = value
        state = instance.__dict__
        for name in self.init:
            if name in values:
                state[name] = values[name]
            elif name in self.defaults:
                state[name] = self.defaults[name]
            elif name in self.factories:
                state[name] = self.factories[name]()
            else:
                raise TypeError(f"{owner}.__init__() missing 1 required positional argument: {name!r}")
        for name in self.later:
            if name in self.defaults:
                state[name] = self.defaults[name]
            elif name in self.factories:
                state[name] = self.factories[name]()


def _init(self, *args: Any, **kwargs: Any) -> None:
    type(self)._record_spec.fill(self, args, kwargs)


def _key(self) -> tuple:
    state = self.__dict__
    return tuple(state[name] for name in type(self)._record_spec.compared)


def _eq(self, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _key(self) == _key(other)


def _hash(self) -> int:
    return hash(_key(self))


def _repr(self) -> str:
    state = self.__dict__
    shown = ", ".join(f"{name}={state[name]!r}" for name in type(self)._record_spec.shown if name in state)
    return f"{type(self).__qualname__}({shown})"


def _refuse_set(self, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def record(cls: T | None = None, *, frozen: bool = True) -> Any:
    """Make ``cls`` a value class from its annotations (see the module's docstring);
    ``@record`` or ``@record(frozen=False)`` for one whose fields may be set later."""

    def build(target: T) -> T:
        target._record_spec = _Spec(target)
        target.__init__ = _init
        target.__repr__ = _repr
        target.__eq__ = _eq
        if frozen:
            target.__hash__ = _hash
            target.__setattr__ = _refuse_set
            target.__delattr__ = _refuse_delete
        else:
            target.__hash__ = None  # mutable and compared by value: unhashable, as a dataclass
        return target

    return build if cls is None else build(cls)
