"""A review-rule library is validated like a pack: an error names the file, the rule and the field."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hospital_client.errors import HospitalClientError
from hospital_client.rules.review import (
    ReviewLibrary,
    ReviewRuleError,
    load_library,
    load_library_dir,
    parse_library,
    select_library,
)

HEAD = '[library]\nid = "lib"\nversion = "2026.1"\n'
RULE = '[[rule]]\nid = "R-1"\nkind = "sex"\nseverity = "warn"\ntext = "t"\ncodes = ["X"]\nsex = "female"\n'


def refuse(text: str) -> ReviewRuleError:
    with pytest.raises(ReviewRuleError) as caught:
        parse_library(text.encode("utf-8"), "lib.toml")
    return caught.value


def test_a_valid_library_has_id_version_and_sha256() -> None:
    data = (HEAD + RULE).encode("utf-8")
    lib = parse_library(data, "lib.toml")
    assert (lib.id, lib.version, lib.sha256, len(lib.rules)) == ("lib", "2026.1", hashlib.sha256(data).hexdigest(), 1)
    assert lib.summary()["kinds"] == {"sex": 1}


@pytest.mark.parametrize(("text", "rule", "field", "words"), [
    (HEAD + RULE.replace('sex = "female"\n', ""), "R-1", "sex", "needs sex"),
    (HEAD + RULE.replace('severity = "warn"', 'severity = "stop"'), "R-1", "severity", "Input should be"),
    (HEAD + RULE.replace('codes = ["X"]\n', ""), "R-1", "codes", "needs codes"),
    (HEAD + RULE + 'colour = "red"\n', "R-1", "colour", "Extra inputs"),
    (HEAD + RULE + RULE, "R-1", "id", "twice"),
    (HEAD + RULE.replace('kind = "sex"', 'kind = "quantity"'), "R-1", "max_per_day", "needs max_per_day"),
    (HEAD + RULE.replace('kind = "sex"', 'kind = "readmission"'), "R-1", "codes", "concerns the stay"),
    (HEAD + RULE.replace('kind = "sex"', 'kind = "indication"') + 'icd10_prefixes = ["j18"]\n', "R-1",
     "icd10_prefixes.0", "pattern"),
    (HEAD + RULE.replace('kind = "sex"', 'kind = "hosp_level"') + "levels = [4]\n", "R-1", "levels.0", "less than"),
    (HEAD + RULE.replace('kind = "sex"', 'kind = "age"') + "min_age_years = 10\nmax_age_years = 5\n", "R-1",
     "min_age_years", "above"),
    (HEAD + RULE.replace('kind = "sex"', 'kind = "readmission"').replace('codes = ["X"]\n', "")
     + "within_days = 0\n", "R-1", "within_days", "greater than"),
    (HEAD + RULE.replace('id = "R-1"\n', ""), "#1", "id", "Field required"),
])
def test_errors_name_file_rule_and_field(text: str, rule: str, field: str, words: str) -> None:
    error = refuse(text)
    assert (error.file, error.rule, error.field) == ("lib.toml", rule, field)
    assert str(error).startswith(f"lib.toml: rule {rule}.{field}: ") and words in str(error)
    assert isinstance(error, HospitalClientError) and error.exit_code == 2


def test_library_level_errors() -> None:
    assert "not valid TOML" in str(refuse("[library"))
    assert refuse(RULE).field == "library"
    assert refuse(HEAD.replace('version = "2026.1"\n', "") + RULE).field == "library.version"
    assert refuse(HEAD).field == "rule"
    assert refuse(HEAD + RULE + "[other]\n").field == "other"
    with pytest.raises(ReviewRuleError, match="not UTF-8"):
        parse_library(b"\xff\xfe", "lib.toml")


def test_load_from_files(tmp_path: Path) -> None:
    (tmp_path / "b.toml").write_text(HEAD.replace('"lib"', '"b"') + RULE, encoding="utf-8")
    (tmp_path / "a.toml").write_text(HEAD.replace('"lib"', '"a"') + RULE, encoding="utf-8")
    assert [lib.id for lib in load_library_dir(tmp_path)] == ["a", "b"]
    with pytest.raises(ReviewRuleError, match=r"missing\.toml: cannot be read"):
        load_library(tmp_path / "missing.toml")


def test_a_library_is_chosen_by_region_highest_version() -> None:
    def lib(version: str, regions: str) -> ReviewLibrary:
        text = (f'[library]\nid = "r"\nversion = "{version}"\nregions = [{regions}]\n'
                '[[rule]]\nid = "S"\nkind = "sex"\nseverity = "warn"\ncodes = ["A1"]\nsex = "male"\ntext = "x"\n')
        return parse_library(text.encode(), f"r-{version}.toml")

    old, new, other = lib("2026.2", '"990100"'), lib("2026.10", '"990100", "990200"'), lib("9", '"210900"')
    assert select_library([old, new, other], "990100") is new
    assert select_library([old, other], "990100") is old
    assert select_library([old, new, other], "110000") is None
    assert new.regions == ("990100", "990200") and new.summary()["regions"] == ["990100", "990200"]
    assert select_library([], "990100") is None
