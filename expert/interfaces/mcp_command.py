"""The `expert mcp` command: options only; the MCP SDK is imported when the command runs,
so no other command pays for it at start-up."""

from __future__ import annotations

import logging
import sys
from typing import Optional

import click

from expert.interfaces.advisor import Advisor, default_advisor


@click.command(name="mcp")
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True,
              help="stdio: the agent host starts this command and talks over its stdin/stdout. "
                   "http: streamable HTTP at http://HOST:PORT/mcp.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (http).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port (http).")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Another knowledge directory.")
def mcp_command(transport: str, host: str, port: int, knowledge: Optional[str]) -> None:
    """Serve the expert to LLM agents over MCP (Model Context Protocol): tools advise, explain,
    what_if, next_question, answer_question, list_rules, show_rule."""
    from importlib.metadata import version

    from expert.interfaces.mcp_server import serve

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="expert mcp: %(levelname)s %(message)s")
    advisor = Advisor(knowledge) if knowledge else default_advisor()  # loaded before the first call, not during it
    try:
        serve(advisor, version("expert"), transport, host, port)
    except KeyboardInterrupt:
        pass
