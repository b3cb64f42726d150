"""The review-rule library (审核规则库): a TOML file of rules, parsed and validated.

A library has one ``[library]`` table (``id``, ``version``, ``name``) and ``[[rule]]`` tables,
each with an ``id``, a ``kind``, a ``severity`` (``warn`` or ``block``), a Chinese ``text`` and
the fields of its kind (docs/review-rules.md). Errors name the file, the rule and the field.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ...errors import QT_TRANSLATE_NOOP
from ..errors import PackError

__all__ = [
    "KINDS",
    "LINE_KINDS",
    "ReviewLibrary",
    "ReviewRule",
    "ReviewRuleError",
    "load_library",
    "load_library_dir",
    "parse_library",
    "select_library",
]

LINE_KINDS = ("sex", "age", "indication", "hosp_level", "med_mode", "insutype", "quantity", "pair")
KINDS = (*LINE_KINDS, "readmission", "identity")

Text = Annotated[str, Field(min_length=1, max_length=500)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
CodeList = list[Annotated[str, Field(min_length=1, max_length=64)]]
PositiveQty = Annotated[Decimal, Field(gt=0, allow_inf_nan=False, max_digits=12, decimal_places=4)]


class ReviewRuleError(PackError):
    """A review-rule library that cannot be used; names the file, the rule and the field."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The review-rule library cannot be used. Ask IT to check it.")

    def __init__(self, file: str, rule: str, field: str, problem: str) -> None:
        self.rule = rule
        self.field = field
        key = ".".join(part for part in (f"rule {rule}" if rule else "", field) if part)
        super().__init__(file, key, problem)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LibraryInfo(_Model):
    id: Ident
    version: Annotated[str, Field(min_length=1, max_length=32)]
    name: str = ""
    regions: list[Annotated[str, Field(pattern=r"^[0-9]{6}$")]] = []


class ReviewRule(_Model):
    """One rule; which fields apply depends on ``kind`` (checked after parsing)."""

    id: Ident
    kind: Literal["sex", "age", "indication", "hosp_level", "med_mode", "insutype", "quantity", "pair",
                  "readmission", "identity"]
    severity: Literal["warn", "block"]
    text: Text
    codes: CodeList = []
    code_prefixes: CodeList = []
    # sex
    sex: Literal["male", "female"] | None = None
    # age (years, or days for newborns)
    min_age_years: Annotated[int, Field(ge=0, le=150)] | None = None
    max_age_years: Annotated[int, Field(ge=0, le=150)] | None = None
    max_age_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    # indication
    icd10_prefixes: list[Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Z][0-9A-Z.]*$")]] = []
    # hosp_level
    levels: list[Annotated[int, Field(ge=1, le=3)]] = []
    # med_mode
    mode: Literal["inpatient", "outpatient"] | None = None
    # insutype
    insutypes: CodeList = []
    # quantity
    max_per_day: PositiveQty | None = None
    max_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    max_per_stay: PositiveQty | None = None
    # pair
    pair_codes: CodeList = []
    # readmission
    within_days: Annotated[int, Field(ge=1, le=365)] = 15
    related_prefix_length: Annotated[int, Field(ge=1, le=7)] = 3
    same_hospital: bool = True
    # identity
    checks: list[Literal["sex", "age", "overlap"]] = ["sex", "age"]

    @model_validator(mode="after")
    def _fields_of_kind(self) -> ReviewRule:
        needs: dict[str, tuple[str, bool]] = {
            "sex": ("sex", self.sex is not None),
            "indication": ("icd10_prefixes", bool(self.icd10_prefixes)),
            "hosp_level": ("levels", bool(self.levels)),
            "med_mode": ("mode", self.mode is not None),
            "insutype": ("insutypes", bool(self.insutypes)),
            "pair": ("pair_codes", bool(self.pair_codes)),
        }
        if self.kind in needs and not needs[self.kind][1]:
            raise _FieldProblem(needs[self.kind][0], f"a {self.kind} rule needs {needs[self.kind][0]}")
        if self.kind == "age" and (self.min_age_years, self.max_age_years, self.max_age_days) == (None, None, None):
            raise _FieldProblem("max_age_years", "an age rule needs min_age_years, max_age_years or max_age_days")
        low, high = self.min_age_years, self.max_age_years
        if self.kind == "age" and low is not None and high is not None and low > high:
            raise _FieldProblem("min_age_years", "is above max_age_years")
        if self.kind == "quantity" and self.max_per_day is None and self.max_days is None and self.max_per_stay is None:
            raise _FieldProblem("max_per_day", "a quantity rule needs max_per_day, max_days or max_per_stay")
        if self.kind in LINE_KINDS and not (self.codes or self.code_prefixes):
            raise _FieldProblem("codes", f"a {self.kind} rule needs codes or code_prefixes")
        if self.kind not in LINE_KINDS and (self.codes or self.code_prefixes):
            raise _FieldProblem("codes", f"a {self.kind} rule concerns the stay, not catalogue codes")
        return self


class _FieldProblem(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(problem)


@dataclass(frozen=True, slots=True)
class ReviewLibrary:
    """A validated library: its id, version, sha256 of the file's bytes and its rules in file order."""

    id: str
    version: str
    name: str
    sha256: str
    file: str
    rules: tuple[ReviewRule, ...]
    regions: tuple[str, ...] = ()
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def summary(self) -> dict[str, Any]:
        """What `review list --json` prints for one library."""
        kinds: dict[str, int] = {}
        for rule in self.rules:
            kinds[rule.kind] = kinds.get(rule.kind, 0) + 1
        return {"id": self.id, "version": self.version, "name": self.name, "sha256": self.sha256,
                "file": self.file, "regions": list(self.regions), "rules": len(self.rules), "kinds": kinds}

    def identity(self) -> dict[str, str]:
        """Id, version and sha256, as a settlement result records them beside the pack's."""
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


def _raw_rule_id(raw: Any) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return str(raw["id"])
    return ""


def _first_error(exc: ValidationError) -> tuple[str, str]:
    error = exc.errors()[0]
    ctx = error.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, _FieldProblem):
        return inner.field, inner.problem
    loc = ".".join(str(part) for part in error["loc"])
    return loc, error["msg"]


def parse_library(data: bytes, file: str) -> ReviewLibrary:
    """Parse and validate a library from its bytes; ``file`` names it in errors."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ReviewRuleError(file, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReviewRuleError(file, "", "", f"not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - {"library", "rule"})
    if unknown:
        raise ReviewRuleError(file, "", unknown[0], "unknown top-level key (expected [library] and [[rule]])")
    try:
        info = LibraryInfo.model_validate(raw.get("library"))
    except ValidationError as exc:
        where, problem = _first_error(exc)
        raise ReviewRuleError(file, "", f"library.{where}" if where else "library", problem) from None
    raw_rules = raw.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ReviewRuleError(file, "", "rule", "a library needs at least one [[rule]]")
    rules: list[ReviewRule] = []
    seen: set[str] = set()
    for number, raw_rule in enumerate(raw_rules, 1):
        name = _raw_rule_id(raw_rule) or f"#{number}"
        try:
            rule = ReviewRule.model_validate(raw_rule)
        except ValidationError as exc:
            where, problem = _first_error(exc)
            raise ReviewRuleError(file, name, where, problem) from None
        if rule.id in seen:
            raise ReviewRuleError(file, rule.id, "id", "the same rule id appears twice")
        seen.add(rule.id)
        rules.append(rule)
    return ReviewLibrary(id=info.id, version=info.version, name=info.name, sha256=hashlib.sha256(data).hexdigest(),
                         file=file, rules=tuple(rules), regions=tuple(info.regions))


def load_library(path: str | Path) -> ReviewLibrary:
    """Read and validate one library file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewRuleError(path.name, "", "", f"cannot be read: {exc.strerror or exc}") from None
    return parse_library(data, path.name)


def load_library_dir(directory: str | Path) -> list[ReviewLibrary]:
    """Every ``*.toml`` library in a directory, validated, sorted by id then version."""
    libraries = [load_library(p) for p in sorted(Path(directory).glob("*.toml"))]
    return sorted(libraries, key=lambda lib: (lib.id, lib.version))


def select_library(libraries: list[ReviewLibrary], admdvs: str) -> ReviewLibrary | None:
    """The library that covers the insured place ``admdvs`` (listed in its ``regions``), the
    highest version when several do; None when none does."""
    covering = [lib for lib in libraries if admdvs in lib.regions]
    if not covering:
        return None
    return max(covering, key=lambda lib: (_version_key(lib.version), lib.id))


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    parts = version.replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)
