"""`expert mcp --transport http`: the real command on a loopback port, the SDK's own
streamable HTTP client, one session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
import support

from expert.facts.profile_io import read_profile

mcp = pytest.importorskip("mcp")

EXPERT = Path(sys.executable).parent / "expert"
pytestmark = pytest.mark.skipif(not EXPERT.exists(), reason=f"no installed executable at {EXPERT}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"expert mcp exited with {process.returncode}: {process.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"expert mcp did not listen on port {port} within {seconds} s")


@pytest.fixture(scope="module")
def server_url():
    port = free_port()
    process = subprocess.Popen([str(EXPERT), "mcp", "--transport", "http", "--port", str(port)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ))
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def one_session(url: str, profile: dict):
    async with mcp.Client(url, read_timeout_seconds=120) as client:
        listed = await client.list_tools()
        advised = await client.call_tool("advise", {"profile": profile})
        bad = await client.call_tool("advise", {"profile": {"needs": {"usage": {"mau": "many"}}}})
        again = await client.call_tool("list_rules", {"concludes": "verdict.pay"})
    return listed, advised, bad, again


def test_streamable_http_serves_the_same_tools_and_results(server_url, advisor):
    profile = read_profile(str(support.EXAMPLES / "clinic-telehealth.yaml"))
    listed, advised, bad, again = anyio.run(one_session, server_url, profile)
    assert {tool.name for tool in listed.tools} >= {"advise", "next_question", "show_rule"}
    assert not advised.is_error
    assert advised.structured_content == advisor.advise(profile).model_dump(mode="json")
    assert bad.is_error and "profile.needs.usage.mau" in bad.content[0].text
    assert not again.is_error and {r["concludes"] for r in again.structured_content["rules"]} == {"verdict.pay"}
