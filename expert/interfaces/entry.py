"""The `expert` command's entry point: Ctrl-C is quiet from the first moment.

The CLI imports pydantic, click, orjson and durable_rules before it can do anything; a
Ctrl-C during those imports used to print a traceback (or a pyo3 ``PanicException`` from
inside a Rust extension).  Here a handler is installed before any of them load that
ends the process at once with the shell's status for an interrupt (130) and no output;
once loaded, Ctrl-C raises ``KeyboardInterrupt`` again, which the commands handle (the
consultation keeps its answers) and the CLI turns into the same quiet 130.
"""

from __future__ import annotations

import os
import signal

INTERRUPTED = 130  # 128 + SIGINT


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os._exit(INTERRUPTED)  # nothing has been written yet: nothing to flush


def main() -> None:
    """Run the `expert` command."""
    previous = signal.signal(signal.SIGINT, _interrupted_while_starting)
    from expert.interfaces.cli import main as cli

    signal.signal(signal.SIGINT, previous)
    cli()
