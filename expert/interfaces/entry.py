"""The `expert` command's entry point: Ctrl-C is quiet from the first moment.

The CLI imports pydantic, click, orjson and durable_rules before it can do anything; a
Ctrl-C during those imports used to print a traceback (or a pyo3 ``PanicException`` from
inside a Rust extension).  Here a handler is installed before any of them load that
ends the process at once with the shell's status for an interrupt (130) and no output;
once loaded, Ctrl-C raises ``KeyboardInterrupt`` again, which the commands handle (the
consultation keeps its answers) and the CLI turns into the same quiet 130.

Those imports also make a few hundred thousand objects that live as long as the process,
and the cyclic garbage collector would scan them again and again while they load (about
10-15 ms of a one-shot command's start, more than a tenth of what ``expert advise``
spends beyond its libraries' floor).  So the collector is paused while they load, and what
they made is then set aside from its scans (``gc.freeze``, as the gc documentation advises
for long-lived start-up state); it runs as usual from the first command on.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from expert.interfaces.collector import made_with_collector_paused

INTERRUPTED = 130  # 128 + SIGINT


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os._exit(INTERRUPTED)  # nothing has been written yet: nothing to flush


def _cli() -> Callable[[], None]:
    from expert.interfaces.cli import main as cli

    return cli


def main() -> None:
    """Run the `expert` command."""
    previous = signal.signal(signal.SIGINT, _interrupted_while_starting)
    cli = made_with_collector_paused(_cli)
    signal.signal(signal.SIGINT, previous)
    cli()
