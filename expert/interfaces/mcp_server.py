"""`expert mcp`: the tools of ``mcp_tools.py`` served to LLM agents with the official MCP SDK.

The SDK's low-level ``Server`` is used, not its decorator layer: the tools' input and
output schemas are the pydantic models' own (the profile's from ``Profile``), and
arguments are validated here, so a bad profile comes back as a tool error naming each
field path in English and Chinese rather than as the SDK's generic validation text.
Each call runs in a worker thread (inference is CPU work; the event loop stays free for
the protocol) and returns the result model's JSON as structured content plus a short
text rendering.  Transports: stdio (an agent host starts ``expert mcp`` itself) and
streamable HTTP on a local port.
"""

from __future__ import annotations

import logging
from typing import Optional

import anyio
from mcp import types
from mcp.server import Server
from mcp.server.context import ServerRequestContext
from mcp.server.stdio import stdio_server

from expert.interfaces.advisor import Advisor
from expert.interfaces.mcp_tools import INSTRUCTIONS, ExpertTools

READ_ONLY = types.ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                                  open_world_hint=False)


def build_server(tools: ExpertTools, version: str) -> Server:
    """An MCP server listing ``tools`` and answering their calls."""
    listed = types.ListToolsResult(tools=[
        types.Tool(name=tool.name, title=tool.title, description=tool.description, input_schema=tool.input_schema,
                   output_schema=tool.output_schema, annotations=READ_ONLY)
        for tool in tools.tools.values()
    ])

    async def list_tools(ctx: ServerRequestContext, params: Optional[types.PaginatedRequestParams]) \
            -> types.ListToolsResult:
        return listed

    async def call_tool(ctx: ServerRequestContext, params: types.CallToolRequestParams) -> types.CallToolResult:
        outcome = await anyio.to_thread.run_sync(tools.call, params.name, params.arguments)
        return types.CallToolResult(content=[types.TextContent(text=outcome.text)],
                                    structured_content=outcome.structured, is_error=outcome.is_error)

    return Server("expert", version=version, title="expert: should we pay for this IM / RTC / AI upgrade?",
                  instructions=INSTRUCTIONS, on_list_tools=list_tools, on_call_tool=call_tool)


def serve(advisor: Advisor, version: str, transport: str = "stdio", host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until the client closes stdin (stdio) or the process is interrupted (HTTP)."""
    server = build_server(ExpertTools(advisor), version)
    if transport == "stdio":
        async def run_stdio() -> None:
            async with stdio_server() as (read_stream, write_stream):
                await server.run(read_stream, write_stream, server.create_initialization_options())

        anyio.run(run_stdio)
        return
    import uvicorn

    logging.getLogger("expert.mcp").info("MCP over streamable HTTP on http://%s:%d/mcp", host, port)
    uvicorn.run(server.streamable_http_app(host=host), host=host, port=port, log_level="warning")
