"""The error a knowledge base that cannot be used raises: its own module, so that a command
can catch it without importing the loader (``knowledge.py`` imports that only on a miss)."""

from __future__ import annotations


class KnowledgeError(Exception):
    """The knowledge base is invalid; ``problems`` lists every error found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid knowledge base:\n" + "\n".join(f"  - {p}" for p in problems))
