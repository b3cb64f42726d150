"""docs/policy-packs.md is tested (sqlite-utils style): its examples must stay true.

- Every ```toml block is read. A block with a [pack] table is a complete pack and must pass
  parse_pack. Any other block is a fragment: valid TOML that, deep-merged onto BASE_PACK below
  (tables merged key by key, lists and values replaced), must validate as a pack. A fragment that
  gives [[basic.bands]] drops the base's [basic.ratio] (the two are either-or).
- A block directly preceded by <!-- invalid: TEXT --> is a deliberately broken complete pack:
  parse_pack must fail with a message containing TEXT.
- <!-- check: INPUTS => EXPECTED --> settles one bill and compares the figures. INPUTS:
    pack=ID              a shipped pack (resources/policies); default: the nearest ```toml block above
    hosp_lv=N            hospital level (1, 2, 3)
    fee=CLASS:AMOUNT     one fee line; CLASS is 甲/乙/丙 (or 01/02/03); AMOUNT is PRICE or PRICExCNT,
                         optionally followed by :cap=PRICE_CAP and/or :prop=SELFPAY_SHARE
    person.K=V, encounter.K=V, encounter.referral.K=V, ytd.K=V   request fields (DESIGN.md 4.1)
    ytd=carry            year_to_date = the previous check's year_to_date_after
    stay=carry           encounter.stay_before = the previous check's stay_after (a mid-stay settlement)
  EXPECTED: K=V with K a setlinfo key (hifp_pay, ...), ytd_after.K, or fund.CODE (setldetail).
- Every key and every keyword value of the pack format must be named in the document.
"""

from __future__ import annotations

import copy
import re
import tomllib
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from hospital_client.rules import Pack, PackError, find_pack, load_catalog, load_pack_dir, parse_pack, settle
from hospital_client.rules.pack_schema import ASSISTANCE_GROUPS, PackModel

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "policy-packs.md"
POLICIES = ROOT / "resources" / "policies"
CATALOG = ROOT / "resources" / "catalog" / "demo_catalog.csv"

# The minimal valid pack that fragment examples are merged onto.
BASE_PACK: dict[str, Any] = {
    "pack": {
        "id": "docs-base",
        "name": "文档示例",
        "version": "1",
        "source": "docs/policy-packs.md",
        "admdvs": ["990100"],
        "insutypes": ["390", "310"],
        "valid_from": "2024-01-01",
        "valid_to": "2024-12-31",
    },
    "basic": {
        "annual_cap": 200000,
        "deductible": {"1": 200, "2": 500, "3": 800},
        "ratio": {"1": Decimal("0.85"), "2": Decimal("0.75"), "3": Decimal("0.65")},
    },
    "funds": {
        "basic": {"code": "390100", "name": "城乡居民基本医疗保险基金"},
        "hifmi": {"code": "390200", "name": "城乡居民大病保险资金"},
        "maf": {"code": "610100", "name": "医疗救助基金"},
        "maf2": {"code": "610200", "name": "倾斜救助资金"},
    },
}

TOKEN = re.compile(
    r"(?P<invalid><!--\s*invalid:(?P<invalid_text>.*?)-->\s*\n)?^```toml[^\n]*\n(?P<toml>.*?)^```\s*$"
    r"|<!--\s*check:(?P<check>.*?)-->",
    re.M | re.S,
)
CLASSES = {"甲": "01", "乙": "02", "丙": "03", "01": "01", "02": "02", "03": "03"}


@dataclass
class Block:
    line: int
    text: str
    invalid: str | None

    @property
    def data(self) -> dict[str, Any]:
        return tomllib.loads(self.text, parse_float=Decimal)

    @property
    def complete(self) -> bool:
        return "pack" in self.data


@dataclass
class Check:
    line: int
    text: str
    block: Block | None


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _scan() -> tuple[list[Block], list[Check]]:
    text = DOC.read_text(encoding="utf-8")
    blocks: list[Block] = []
    checks: list[Check] = []
    for m in TOKEN.finditer(text):
        if m.group("toml") is not None:
            invalid = m.group("invalid_text")
            blocks.append(Block(_line(text, m.start("toml")), m.group("toml"), invalid.strip() if invalid else None))
        else:
            checks.append(Check(_line(text, m.start()), m.group("check"), blocks[-1] if blocks else None))
    return blocks, checks


BLOCKS, CHECKS = _scan() if DOC.exists() else ([], [])


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def block_pack(block: Block) -> Pack:
    """The pack a block stands for: itself if complete, else merged onto BASE_PACK."""
    source = f"docs/policy-packs.md:{block.line}"
    if block.complete:
        return parse_pack(block.text.encode("utf-8"), source)
    data = block.data
    base = copy.deepcopy(BASE_PACK)
    if "bands" in data.get("basic", {}):
        del base["basic"]["ratio"]
    model = PackModel.model_validate(deep_merge(base, data))
    return Pack(model=model, sha256="docs", source_name=source)


def test_document_has_examples() -> None:
    assert DOC.exists(), "docs/policy-packs.md is missing"
    assert len(BLOCKS) >= 20, "too few ```toml examples found: is the fence syntax intact?"
    assert len(CHECKS) >= 20, "too few <!-- check: --> comments found"
    assert any(b.complete for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"line{b.line}")
def test_toml_block(block: Block) -> None:
    if block.invalid is not None:
        assert block.complete, "only complete packs can be marked invalid"
        with pytest.raises(PackError) as err:
            parse_pack(block.text.encode("utf-8"), "example.toml")
        assert block.invalid in str(err.value)
        return
    block_pack(block)


def _fee(n: int, spec: str) -> dict[str, str]:
    cls, amount, *opts = spec.split(":")
    pric, _, cnt = amount.partition("x")
    cnt = cnt or "1"
    fee = {
        "feedetl_sn": f"{n:04d}",
        "med_list_codg": f"DOC{n:04d}",
        "pric": pric,
        "cnt": cnt,
        "det_item_fee_sumamt": f"{Decimal(pric) * Decimal(cnt):.2f}",
        "chrgitm_lv": CLASSES[cls],
    }
    for opt in opts:
        key, _, value = opt.partition("=")
        fee[{"cap": "pric_uplmt_amt", "prop": "selfpay_prop"}[key]] = value
    return fee


def _set(tree: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        tree = tree.setdefault(key, {})
    tree[last] = value


_PACKS: list[Pack] = []


def _shipped(pack_id: str) -> Pack:
    if not _PACKS:
        _PACKS.extend(load_pack_dir(POLICIES))
    return find_pack(_PACKS, pack_id)


_carried: dict[str, Any] = {}  # the last check's year_to_date_after, for ytd=carry
_carried_stay: dict[str, Any] = {}  # the last check's stay_after, for stay=carry


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"line{c.line}")
def test_worked_example(check: Check) -> None:
    inputs, arrow, expected = check.text.partition("=>")
    assert arrow, "a check needs '=>' between the inputs and the expected figures"
    args = [tuple(t.split("=", 1)) for t in inputs.split()]
    options = dict(a for a in args if a[0] in ("pack", "ytd", "stay") and len(a) == 2)
    if "pack" in options:
        pack = _shipped(options["pack"])
    else:
        assert check.block is not None, "no ```toml block above this check"
        pack = block_pack(check.block)
    info = pack.model.pack
    request: dict[str, Any] = {
        "person": {"psn_no": "DOC", "insutype": info.insutypes[0], "insuplc_admdvs": info.admdvs[0]},
        "encounter": {
            "mdtrt_id": "DOC",
            "med_type": info.med_types[0],
            "begntime": info.valid_from.isoformat(),
            "endtime": info.valid_from.isoformat(),
        },
        "fees": [],
    }
    if options.get("ytd") == "carry":
        assert _carried, "ytd=carry needs an earlier check"
        request["year_to_date"] = dict(_carried)
    if options.get("stay") == "carry":
        assert _carried_stay, "stay=carry needs an earlier check that was a mid-stay settlement"
        request["encounter"]["stay_before"] = dict(_carried_stay)
    for arg in args:
        assert len(arg) == 2, f"'{arg[0]}' is not KEY=VALUE"
        key, value = arg
        if key in ("pack", "ytd", "stay"):
            continue
        if key == "fee":
            request["fees"].append(_fee(len(request["fees"]) + 1, value))
        elif key == "hosp_lv":
            request["encounter"]["hosp_lv"] = value
        elif key.startswith(("person.", "encounter.")):
            _set(request, key, value)
        elif key.startswith("ytd."):
            _set(request.setdefault("year_to_date", {}), key[4:], value)
        else:
            raise AssertionError(f"unknown check input '{key}'")
    result = settle(request, pack, load_catalog(CATALOG))
    _carried.clear()
    _carried.update({k: (str(v) if isinstance(v, Decimal) else v) for k, v in result.year_to_date_after.items()})
    _carried_stay.clear()
    _carried_stay.update({k: (str(v) if isinstance(v, Decimal) else v) for k, v in (result.stay_after or {}).items()})
    funds = {d.fund_pay_type: d.fund_payamt for d in result.setldetail}
    failures = []
    for token in expected.split():
        key, _, value = token.partition("=")
        if key.startswith("ytd_after."):
            actual = result.year_to_date_after[key[10:]]
        elif key.startswith("fund."):
            actual = funds.get(key[5:], Decimal(0))
        else:
            actual = result.setlinfo[key]
        if Decimal(value) != actual:
            failures.append(f"{key}: document says {value}, engine gives {actual}")
    assert not failures, "\n".join(failures) + "\n" + "\n".join(s.text for s in result.explain)


def _names(model: type[BaseModel], out: set[str]) -> set[str]:
    for name, info in model.model_fields.items():
        out.add(name)
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _names(tp, out)
            elif typing.get_origin(tp) is typing.Literal:
                out.update(str(v) for v in typing.get_args(tp))
            else:
                stack.extend(typing.get_args(tp))
    return out


def test_every_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = _names(PackModel, set()) | set(ASSISTANCE_GROUPS)
    missing = sorted(n for n in names if not re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text))
    assert not missing, f"keys or values of the pack format not named in the document: {missing}"
