"""Headless Chromium for the browser tests (Debian's ``chromium``; ``.ci/run`` installs it
when missing): run it on a page and read what its console said.

Imported by the tests as ``browser`` (pytest puts this directory on ``sys.path``).
"""

from __future__ import annotations

import shutil
import subprocess

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "no chromium (.ci/run installs Debian's)"


def chromium(*args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with its console logged to stderr (``:CONSOLE`` lines)."""
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                           "--log-level=0", *args], capture_output=True, text=True, timeout=90)


def console_lines(done: subprocess.CompletedProcess) -> list[str]:
    """What the page wrote to its console: errors, warnings, logs (none from a clean page)."""
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
