"""The PyEval_CallObject shim: built and loaded exactly where durable_rules cannot load without it.

"Needed" is not taken from the engine's own version test: a fresh interpreter imports
durable_rules_engine bare (no expert, no shim) and either succeeds or fails on the missing
symbol.  The engine's decision, what the build produced and what is loaded must all agree
with that.  `.ci/run` runs the suite on the default Python and on 3.13, so both sides run.
"""

from __future__ import annotations

import ctypes
import importlib.util
import subprocess
import sys

import pytest
import support

from expert.inference import engine


@pytest.fixture(scope="module")
def durable_needs_the_shim(tmp_path_factory) -> bool:
    bare = subprocess.run([sys.executable, "-c", "import durable_rules_engine"], cwd=tmp_path_factory.mktemp("bare"),
                          capture_output=True, text=True, timeout=60)
    if bare.returncode != 0:
        assert "undefined symbol: PyEval_CallObject" in bare.stderr, bare.stderr  # the one failure the shim mends
    return bare.returncode != 0


def test_the_engine_loads_the_shim_exactly_where_durable_rules_needs_it(durable_needs_the_shim):
    assert engine.PYEVAL_SHIM_NEEDED is durable_needs_the_shim
    assert (engine.PYEVAL_SHIM is not None) is durable_needs_the_shim
    exported = hasattr(ctypes.CDLL(None), "PyEval_CallObject")  # what the dynamic linker resolves globally
    assert exported is durable_needs_the_shim


def test_the_build_made_the_shim_exactly_where_durable_rules_needs_it(durable_needs_the_shim):
    built = importlib.util.find_spec(engine.PYEVAL_SHIM_MODULE)  # for this interpreter's extension suffixes
    assert (built is not None) is durable_needs_the_shim
    if built is not None:
        assert built.origin == engine.PYEVAL_SHIM


@pytest.mark.skipif(engine.PYEVAL_SHIM is None, reason="no shim on this Python (3.10-3.12): nothing to call")
def test_the_shim_calls_like_the_removed_function():
    call = ctypes.PyDLL(engine.PYEVAL_SHIM).PyEval_CallObject
    call.restype, call.argtypes = ctypes.py_object, [ctypes.py_object, ctypes.py_object]
    assert call(divmod, (7, 2)) == (3, 1)
    with pytest.raises(ValueError, match="invalid literal"):  # an error in the callee reaches the caller
        call(int, ("seven",))


def test_a_missing_shim_is_reported_in_both_languages_and_only_where_needed(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert engine._load_pyeval_shim(needed=False) is None
    with pytest.raises(ImportError) as raised:
        engine._load_pyeval_shim(needed=True)
    message = str(raised.value)
    assert engine.PYEVAL_SHIM_MODULE in message and "Reinstall expert" in message and support.CJK.search(message)
