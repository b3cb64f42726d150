"""The version of the package being built (from pyproject.toml), for the spec, build.sh and the
package scripts. `python installer/version.py` prints it; HOSPITAL_CLIENT_BUILD_VERSION overrides it
(the package tests use it to build a "newer" package)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    override = os.environ.get("HOSPITAL_CLIENT_BUILD_VERSION", "").strip()
    if override:
        return override
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


if __name__ == "__main__":
    print(version())
