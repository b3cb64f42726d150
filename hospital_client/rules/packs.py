"""Loading, hashing and choosing policy packs."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import NoPackError, PackError
from .pack_schema import PackModel, Rising, Segment


@dataclass(frozen=True, slots=True)
class Pack:
    """A validated policy pack and the identity every settlement records."""

    model: PackModel
    sha256: str
    source_name: str
    # What the settlement steps derive from the model alone (大病保险's segment bounds, a person
    # category's pool rules), built on first use and kept with the pack, whose model is frozen.
    derived: dict[object, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.model.pack.id

    @property
    def version(self) -> str:
        return self.model.pack.version

    def covers_date(self, day: dt.date) -> bool:
        info = self.model.pack
        return info.valid_from <= day <= info.valid_to

    def hifmi_segments(self) -> list[Segment]:
        """大病保险 segments, with a [hifmi.rising] rule expanded into explicit segments."""
        hifmi = self.model.hifmi
        if hifmi is None:
            return []
        if hifmi.rising is None:
            return list(hifmi.segments)
        return expand_rising(hifmi.rising)


def expand_rising(rule: Rising) -> list[Segment]:
    """'Start at 60%, +5 points per 50,000, at most 70%' as segments. Their bounds are measured as
    [hifmi] measure says: above the deductible (the default) or on the whole cumulative base."""
    segments: list[Segment] = []
    ratio, upto = rule.start, rule.step
    while ratio < rule.max and rule.points > 0:
        segments.append(Segment(upto=upto, ratio=ratio))
        ratio = min(rule.max, ratio + rule.points)
        upto += rule.step
    segments.append(Segment(upto=None, ratio=ratio))
    return segments


def _format_loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, str) and item.startswith("="):
            continue  # a union member's tag (pack_schema.Amount), not a key
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def parse_pack(data: bytes, source_name: str) -> Pack:
    """Validate pack bytes (TOML). Raises PackError naming the file, the key and the problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(source_name, "", f"not UTF-8 text (byte {exc.start})") from None
    try:
        raw = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(source_name, "", f"TOML syntax error: {exc}") from None
    try:
        model = PackModel.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key shows up twice: as unknown, and as the required key it should have been.
        # Name the misspelling.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        key = _format_loc(first["loc"])
        problem = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            problem = "unknown key (not part of the pack format; see docs/policy-packs.md)"
        elif first["type"] == "missing":
            problem = "required key is missing"
        more = len(exc.errors()) - 1
        if more:
            problem += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise PackError(source_name, key, problem) from None
    for index, dotted in enumerate(model.pack.illustrative):
        if not _has_key(raw, dotted):
            raise PackError(source_name, f"pack.illustrative[{index}]", f"'{dotted}' is not a key of this pack")
    return Pack(model=model, sha256=hashlib.sha256(data).hexdigest(), source_name=source_name)


def _has_key(raw: dict[str, Any], dotted: str) -> bool:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def load_pack(path: str | Path) -> Pack:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackError(str(path), "", f"cannot read: {exc.strerror}") from None
    return parse_pack(data, path.name)


def load_pack_dir(directory: str | Path) -> list[Pack]:
    """Every *.toml pack in a directory, sorted by id; ids must be unique."""
    packs = [load_pack(p) for p in sorted(Path(directory).glob("*.toml"))]
    seen: dict[str, str] = {}
    for pack in packs:
        if pack.id in seen:
            raise PackError(pack.source_name, "pack.id", f"id '{pack.id}' is also used by {seen[pack.id]}")
        seen[pack.id] = pack.source_name
    return sorted(packs, key=lambda p: p.id)


def find_pack(packs: Iterable[Pack], pack_id: str) -> Pack:
    for pack in packs:
        if pack.id == pack_id:
            return pack
    known = ", ".join(p.id for p in packs)
    raise NoPackError(f"no policy pack with id '{pack_id}' (known: {known})")


def select_pack(packs: Iterable[Pack], insuplc_admdvs: str, insutype: str, day: dt.date) -> Pack:
    """The pack of the insured place (参保地政策) for this insurance type and discharge date."""
    candidates = [
        p
        for p in packs
        if insuplc_admdvs in p.model.pack.admdvs and insutype in p.model.pack.insutypes and p.covers_date(day)
    ]
    if not candidates:
        raise NoPackError(
            f"no policy pack covers insured place {insuplc_admdvs}, insurance type {insutype} "
            f"on {day.isoformat()}; choose one with --policy"
        )
    # A newer pack (later valid_from) supersedes an older one that still overlaps.
    return max(candidates, key=lambda p: (p.model.pack.valid_from, p.id))
