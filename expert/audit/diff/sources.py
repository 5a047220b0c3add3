"""A knowledge base named as a directory, or as a git revision of the repository's knowledge/."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path


class KnowledgeSourceError(ValueError):
    """Neither a knowledge directory nor a git revision that has one."""


def knowledge_directory(spec: str, scratch: Path, repository: Path) -> Path:
    """``spec`` as a directory to load: itself when it is one, else knowledge/ at that git
    revision of ``repository``, extracted under ``scratch`` (never executed, only read)."""
    path = Path(spec)
    if path.is_dir():
        return path
    try:
        archive = subprocess.run(["git", "-C", str(repository), "archive", "--format=tar", spec, "knowledge"],
                                 capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        raise KnowledgeSourceError(f"{spec}: not a directory, nor a git revision with knowledge/ "
                                   f"({detail.decode('utf-8', 'replace').strip() or error})") from None
    target = Path(tempfile.mkdtemp(prefix="knowledge-", dir=scratch))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and not m.name.startswith(("/", "..")) and ".." not in m.name]
        # the "data" filter: what 3.14 does by default and 3.12+ warn about omitting (3.10.0-.11, 3.11.0-.3 lack it)
        data_only = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(target, members=members, **data_only)  # noqa: S202 - regular files only, no absolute or parent paths
    return target / "knowledge"
