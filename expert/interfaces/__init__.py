"""Interfaces: how people and programs reach the expert.

The ``Advisor`` library façade (the one place that composes the parts), the click CLI,
the terminal consultation and the MCP server for LLM agents.
May import: every part.
"""
