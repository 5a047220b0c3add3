"""Long-lived objects made with the cyclic garbage collector paused, then set aside.

What a command makes at start (its imports, its knowledge base: a few hundred thousand
objects) lives as long as the command; the collector would scan it again and again while
it is made and on every later full collection.  ``entry.py`` (the imports) and the CLI
(the knowledge base) both make it through here.  It imports nothing heavy (``typing``
alone is 10 ms): ``entry.py`` runs it before any library loads.
"""

from __future__ import annotations

import gc
from collections.abc import Callable


def made_with_collector_paused(make: Callable[[], object]) -> object:
    """``make()`` with the cyclic garbage collector paused, what it made then set aside from
    the collector's scans (``gc.freeze``) and the collector running again, also when
    ``make`` fails: for objects that live as long as the command (its imports, its
    knowledge base), which each later full collection would otherwise scan again."""
    gc.disable()
    try:
        return make()
    finally:
        gc.freeze()
        gc.enable()
