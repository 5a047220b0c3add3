"""A real `expert serve` process on a free loopback port, for the HTTP API's tests and benchmark.

Imported as ``serving`` (pytest puts tests/ on ``sys.path``; the benchmark adds it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

import httpx

EXPERT = Path(sys.executable).parent / "expert"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def expert_server(*args: str, env: Optional[dict] = None, ready_within: float = 90.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `expert serve ARGS` on a free port; yield (base URL, process) once /health answers; stop it after."""
    port = free_port()
    environment = {**os.environ, "EXPERT_API_TOKEN": "", **(env or {})}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([str(EXPERT), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                                   env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for_health(base, process, log, ready_within)
            yield base, process
        finally:
            _stop(process)


def _wait_for_health(base: str, process: subprocess.Popen, log, ready_within: float) -> None:
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"expert serve exited with {process.returncode}:\n{log.read().decode(errors='replace')}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"expert serve did not answer /health within {ready_within} s")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (uvicorn shuts its workers down), then SIGKILL the whole group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
