"""Test-session setup shared by every test directory.

Qt widgets are real but rendered off screen (DESIGN.md 5), so this must be set before anything
imports PySide6.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
