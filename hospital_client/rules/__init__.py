"""The rules core: policy packs, the catalogue and the settlement engine.

Pure Python and deterministic; imports nothing of the project outside this package and no Qt.

The names below load on first use (PEP 562): the pack and request schemas are pydantic models
whose construction costs a good part of the desk's start-up, and the window needs none of
them until the first bill is computed. ``from hospital_client.rules import Catalog`` loads the
catalogue module only; ``settle`` loads the engine and everything it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import Catalog, CatalogItem, load_catalog, parse_catalog
    from .critical_illness import hifmi_annual, hifmi_deductible, hifmi_segment_bounds
    from .engine import settle
    from .errors import CatalogError, NoPackError, PackError, RequestError, RulesError
    from .fee_lines import parse_fee_line
    from .packs import Pack, find_pack, load_pack, load_pack_dir, parse_pack, select_pack
    from .request import YTD_KEYS, Person, SettlementRequest, YearToDate, parse_request
    from .result import SETLINFO_KEYS, SettlementResult, result_json

_MODULE_OF = {
    "catalog": ("Catalog", "CatalogItem", "load_catalog", "parse_catalog"),
    "critical_illness": ("hifmi_annual", "hifmi_deductible", "hifmi_segment_bounds"),
    "engine": ("settle",),
    "errors": ("CatalogError", "NoPackError", "PackError", "RequestError", "RulesError"),
    "fee_lines": ("parse_fee_line",),
    "packs": ("Pack", "find_pack", "load_pack", "load_pack_dir", "parse_pack", "select_pack"),
    "request": ("YTD_KEYS", "Person", "SettlementRequest", "YearToDate", "parse_request"),
    "result": ("SETLINFO_KEYS", "SettlementResult", "result_json"),
}
_WHERE = {name: module for module, names in _MODULE_OF.items() for name in names}

__all__ = [
    "SETLINFO_KEYS",
    "YTD_KEYS",
    "Catalog",
    "CatalogError",
    "CatalogItem",
    "NoPackError",
    "Pack",
    "PackError",
    "Person",
    "RequestError",
    "RulesError",
    "SettlementRequest",
    "SettlementResult",
    "YearToDate",
    "find_pack",
    "hifmi_annual",
    "hifmi_deductible",
    "hifmi_segment_bounds",
    "load_catalog",
    "load_pack",
    "load_pack_dir",
    "parse_catalog",
    "parse_fee_line",
    "parse_pack",
    "parse_request",
    "result_json",
    "select_pack",
    "settle",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_all() -> None:
    """Import every part now (a worker thread warms the engine up after the window is shown)."""
    for name in __all__:
        __getattr__(name)
