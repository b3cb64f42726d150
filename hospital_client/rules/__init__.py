"""The rules core: policy packs, the catalogue and the settlement engine.

Pure Python and deterministic; imports nothing of the project outside this package and no Qt.
"""

from .catalog import Catalog, CatalogItem, load_catalog, parse_catalog
from .engine import hifmi_annual, hifmi_deductible, settle
from .errors import CatalogError, NoPackError, PackError, RequestError, RulesError
from .packs import Pack, find_pack, load_pack, load_pack_dir, parse_pack, select_pack
from .request import YTD_KEYS, Person, SettlementRequest, YearToDate, parse_fee_line, parse_request
from .result import SETLINFO_KEYS, SettlementResult, result_json

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
