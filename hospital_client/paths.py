"""Where the bundled resources live: the source tree, or the PyInstaller bundle when frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def policies_dir() -> Path:
    return resources_dir() / "policies"


def demo_catalog_path() -> Path:
    return resources_dir() / "catalog" / "demo_catalog.csv"


def demo_dir() -> Path:
    return resources_dir() / "demo"
