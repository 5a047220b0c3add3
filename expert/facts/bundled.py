"""Where the bundled knowledge base lives, for the parts that read it: the rule loader
(the whole base) and the profile's JSON Schema (the question texts describe the fields).

An installed package (wheel, sdist, plain ``pip install .``) carries it as package data,
copied from the checkout's top-level ``knowledge/`` by setup.py at build time; a source
checkout (or an editable install of one) reads the source of truth directly.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
PACKAGED_KNOWLEDGE_DIR = _PACKAGE_DIR / "knowledge"
CHECKOUT_KNOWLEDGE_DIR = _PACKAGE_DIR.parent / "knowledge"
DEFAULT_KNOWLEDGE_DIR = PACKAGED_KNOWLEDGE_DIR if PACKAGED_KNOWLEDGE_DIR.is_dir() else CHECKOUT_KNOWLEDGE_DIR
