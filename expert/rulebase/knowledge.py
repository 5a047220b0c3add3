"""Load a knowledge base: its validated snapshot when these very files were loaded before
(``snapshot.py``), else in full by ``loader.py``, which is imported only then: a one-shot
command on unchanged knowledge never needs the parser, the checks or the engine-limit bounds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from expert.facts.bundled import DEFAULT_KNOWLEDGE_DIR
from expert.rulebase.rulebook import KnowledgeBase
from expert.rulebase.snapshot import read_snapshot, snapshot_key


def load_knowledge(directory: Optional[Path | str] = None, require_bases: bool = True) -> KnowledgeBase:
    """``loader.load_knowledge``, without importing the loader when the snapshot serves."""
    path = Path(directory) if directory is not None else DEFAULT_KNOWLEDGE_DIR
    key = snapshot_key(path, require_bases) if path.is_dir() else None
    if key is not None and (stored := read_snapshot(key)) is not None:
        return stored
    from expert.rulebase.loader import load_and_store  # also reports every problem

    return load_and_store(path, require_bases, key)  # the key already worked out: not twice
