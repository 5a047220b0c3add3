"""Build hook: ship the knowledge base inside the package; all metadata lives in setup.cfg.

The repository keeps ``knowledge/`` at the top level as the one source of truth (auditors
read and edit it there).  A built package (wheel, or a plain ``pip install .``, which builds
one) gets a copy at ``expert/knowledge/`` as package data; the loader prefers that copy
when it exists and reads the checkout's ``knowledge/`` otherwise (an editable install).
The sdist carries ``knowledge/`` through MANIFEST.in, so a wheel built from it ships it too.

On Python 3.13 and later it also builds ``expert.inference._pyeval_shim``, a one-function
C library that puts back the ``PyEval_CallObject`` durable_rules 2.0.28 needs (see
``expert/inference/engine.py``).  It is built with the interpreter pip builds for, so the
build needs gcc and the Python headers, as durable_rules' own does; older Pythons get none.
"""

import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "knowledge"


class BuildWithKnowledge(build_py):
    """build_py that also copies knowledge/ to <build>/expert/knowledge, afresh each build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's knowledge/ itself
        target = Path(self.build_lib) / "expert" / "knowledge"
        shutil.rmtree(target, ignore_errors=True)  # a file removed from knowledge/ must not linger
        shutil.copytree(SOURCE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))

    def get_outputs(self, include_bytecode: bool = True) -> list:
        target = Path(self.build_lib) / "expert" / "knowledge"
        copied = [str(path) for path in sorted(target.rglob("*")) if path.is_file()] if target.is_dir() else []
        return super().get_outputs(include_bytecode) + copied


PYEVAL_SHIM = Extension("expert.inference._pyeval_shim", sources=["expert/inference/_pyeval_shim.c"])

setup(cmdclass={"build_py": BuildWithKnowledge},
      ext_modules=[PYEVAL_SHIM] if sys.version_info >= (3, 13) else [])
