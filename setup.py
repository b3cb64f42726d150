"""The build's one compiled part: hospital_client/rules/fee_loops.py, compiled with mypyc where
mypyc and a working C compiler are at hand. It is what brings bench/engine.py's 2,000-line bill
within 3x its floor. Anywhere else the same module stays Python (fee_loops.COMPILED is then False)
and the rules core takes its column passes instead: the same results, only slower. Everything
else about the package is in pyproject.toml. HOSPITAL_CLIENT_PURE=1 skips the compile.

An editable install (`pip install -e .`, scripts/bootstrap.sh) puts the extension beside the
source, where it shadows the .py: a build that ends pure removes such copies of an earlier build,
or the checkout would go on running the old compiled loops.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
COMPILED = ["hospital_client/rules/fee_loops.py"]
# mypy checks fee_loops.py and follows its imports into the package, whose dependencies (pydantic
# and the rest) are not in the isolated build environment: their types are taken as Any there,
# and the project's mypy settings (its pydantic plugin) are left to the linting.
MYPY_FLAGS = ["--config-file=", "--ignore-missing-imports", "--follow-imports=silent"]


def compiler_works() -> bool:
    """Whether a C compiler can build an extension against this Python's headers (checked before
    mypyc's work: a desk PC without a compiler then builds pure at once, and says why)."""
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "probe.c")
        source.write_text("#include <Python.h>\nint probe(void) { return 0; }\n")
        try:
            compiler.compile([str(source)], output_dir=tmp, include_dirs=[sysconfig.get_paths()["include"]])
        except Exception:  # no compiler, no headers, anything: build pure
            return False
    return True


def remove_built_copies() -> None:
    """Remove the extensions of COMPILED (and mypyc's library of each) built beside the source."""
    for module in COMPILED:
        stem = ROOT / module.removesuffix(".py")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            for name in (stem.name, f"{stem.name}__mypyc"):
                stem.with_name(name + suffix).unlink(missing_ok=True)


def pure(reason: str) -> list[Any]:
    """No extensions: the rules core stays pure Python, for the reason given."""
    print(f"setup.py: {reason}: the rules core stays pure Python", file=sys.stderr)
    remove_built_copies()
    return []


def compiled_extensions() -> list[Any]:
    """mypyc's extensions for COMPILED, or none where the module is to stay Python."""
    if os.environ.get("HOSPITAL_CLIENT_PURE"):
        return pure("HOSPITAL_CLIENT_PURE is set")
    if sys.implementation.name != "cpython":
        return pure(f"mypyc builds for CPython, not {sys.implementation.name}")
    try:
        from mypyc.build import mypycify
    except ImportError:
        return pure("mypyc is not installed")
    if not compiler_works():
        return pure("no working C compiler")
    return mypycify([*MYPY_FLAGS, *COMPILED], opt_level="3")


class BuildExtOrPure(build_ext):
    """build_ext that leaves the package pure Python when the compile fails after all (the
    extensions of a mypyc module come as a pair: none of them is kept unless all are built)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # a compiler or linker error
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.extensions = pure(f"compiling failed ({exc})")


setup(ext_modules=compiled_extensions(), cmdclass={"build_ext": BuildExtOrPure})
