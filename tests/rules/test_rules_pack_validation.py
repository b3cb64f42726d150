"""Policy-pack validation: a broken pack gives a PackError naming the file, the key and the problem;
`hospital-client policy check` exits 0 on every bundled pack and 2 on a bad one."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from rules_helpers import BUNDLED_IDS, POLICIES, pack_text

from hospital_client.rules import PackError, load_pack, load_pack_dir, parse_pack

GOOD = pack_text()

HIFMI = """
[hifmi]
base = "after_pool_with_deductible"

[hifmi.deductible]
amount = 10000
"""


def segments(*uptos: str | None) -> str:
    text = HIFMI
    for i, upto in enumerate(uptos):
        text += "\n[[hifmi.segments]]\n" + (f"upto = {upto}\n" if upto else "") + f"ratio = 0.{5 + i}\n"
    return pack_text(tail=text)


def test_the_base_test_pack_is_valid():
    assert parse_pack(GOOD.encode(), "good.toml").id == "test-pack"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        pytest.param(GOOD.replace("class_b_selfpay = 0.10", "class_b_selfpy = 0.10"),
                     "items.class_b_selfpy", "unknown key", id="typo-key"),
        pytest.param(GOOD.replace('version = "t1"\n', ""), "pack.version", "required key is missing",
                     id="missing-required-key"),
        pytest.param(GOOD.replace("[basic]\n", "[basic]\nmeasure = \"policy_range\"\n"), "basic",
                     "applies to [[basic.bands]] only", id="measure-without-bands"),
        pytest.param(GOOD.replace("2 = 0.80", "2 = 1.5"), "basic.ratio.2", "less than or equal to 1",
                     id="ratio-above-1"),
        pytest.param(GOOD.replace("1 = 300", "1 = -300"), "basic.deductible.1", "greater than or equal to 0",
                     id="negative-deductible"),
        pytest.param(GOOD.replace("3 = 1000\n", ""), "basic.deductible", "missing hospital level(s) 3",
                     id="level-missing"),
        pytest.param(segments("50000", "20000", None), "hifmi", "segments must increase", id="segments-out-of-order"),
        pytest.param(segments("50000", "50000", None), "hifmi", "segments must increase", id="segments-repeated"),
        pytest.param(segments("50000", "100000"), "hifmi", "last of segments", id="last-segment-bounded"),
        pytest.param(pack_text(tail=HIFMI + "\n[hifmi.rising]\nstart = 0.6\nstep = 50000\npoints = 0.05\nmax = 0.5\n"),
                     "hifmi.rising", "max is below start", id="rising-max-below-start"),
        pytest.param(pack_text(tail=HIFMI), "hifmi", "segments", id="no-segments-or-rising"),
        pytest.param(pack_text(tail=HIFMI.replace("amount = 10000", "amount = 10000\nincome_share = 0.5")),
                     "hifmi.deductible", "not both", id="deductible-amount-and-share"),
        pytest.param(pack_text(tail=HIFMI.replace("after_pool_with_deductible", "after_pol") + "\n[[hifmi.segments]]\n"
                               "ratio = 0.5\n"), "hifmi.base", "after_pool", id="bad-keyword"),
        pytest.param(pack_text(basic="[[basic.admission_rules]]\nfrom_nth = 3\namount = 100\n"
                                     "[[basic.admission_rules]]\nfrom_nth = 2\nfactor = 0.5"),
                     "basic", "admission_rules must be in increasing from_nth order", id="admission-rules-order"),
        pytest.param(pack_text(basic="[[basic.admission_rules]]\nfrom_nth = 2\namount = 100\nfactor = 0.5"),
                     "basic.admission_rules[0]", "exactly one of", id="admission-rule-both"),
        pytest.param(pack_text(basic="[[basic.bands]]\nratio = { 1 = 0.5, 2 = 0.5, 3 = 0.5 }"),
                     "basic", "exactly one of [basic.ratio] or [[basic.bands]]", id="ratio-and-bands"),
        pytest.param(pack_text(tail="[assistance]\n[assistance.groups.rich]\nratio = 0.5\nannual_cap = 1"),
                     "assistance.groups", "unknown assistance group", id="unknown-group"),
        pytest.param(GOOD.replace("valid_to = 2026-12-31", "valid_to = 2025-12-31"), "pack",
                     "valid_to is before valid_from", id="dates-reversed"),
        pytest.param(GOOD.replace('id = "test-pack"', 'id = "Test Pack"'), "pack.id", "pattern", id="bad-id"),
    ],
)
def test_invalid_pack_names_file_key_and_problem(text, key, words):
    with pytest.raises(PackError) as err:
        parse_pack(text.encode(), "broken.toml")
    e = err.value
    assert (e.file, e.key) == ("broken.toml", key)
    assert words in e.problem
    assert str(e).startswith(f"broken.toml: {key}: ")


def test_bad_toml_names_file_line_and_column():
    with pytest.raises(PackError) as err:
        parse_pack(GOOD.replace("[basic.ratio]", "[basic.ratio").encode(), "broken.toml")
    assert err.value.file == "broken.toml"
    assert "TOML syntax error" in str(err.value)
    line = GOOD.splitlines().index("[basic.ratio]") + 1
    assert f"line {line}" in str(err.value)


def test_missing_fund_for_a_tier_is_named():
    text = segments(None).replace('[funds.hifmi]\ncode = "390200"\nname = "大病保险资金"\n', "")
    with pytest.raises(PackError) as err:
        parse_pack(text.encode(), "broken.toml")
    assert "broken.toml" in str(err.value) and "[funds.hifmi]" in str(err.value)


def test_not_utf8_and_unreadable_files(tmp_path):
    with pytest.raises(PackError, match=r"broken\.toml: not UTF-8"):
        parse_pack(b"\xff\xfe[pack]", "broken.toml")
    with pytest.raises(PackError, match="cannot read"):
        load_pack(tmp_path / "nowhere.toml")


def test_typo_in_a_required_key_is_reported(tmp_path):
    with pytest.raises(PackError) as err:
        parse_pack(GOOD.replace('source = "', 'sorce = "').encode(), "broken.toml")
    # the misspelt key is named (not only the required key it should have been), and the
    # message says there is more to fix
    assert str(err.value) == ("broken.toml: pack.sorce: unknown key (not part of the pack format; "
                              "see docs/policy-packs.md) (and 1 more problem)")


def test_duplicate_pack_ids_in_a_directory(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.replace('version = "t1"', 'version = "t2"'), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack_dir(tmp_path)
    assert (err.value.file, err.value.key) == ("b.toml", "pack.id")
    assert "a.toml" in err.value.problem


def test_every_bundled_pack_loads_with_its_hash():
    packs = load_pack_dir(POLICIES)
    assert tuple(p.id for p in packs) == BUNDLED_IDS
    for p in packs:
        assert p.sha256 == hashlib.sha256((POLICIES / p.source_name).read_bytes()).hexdigest()
        assert p.model.pack.valid_from <= p.model.pack.valid_to


# --- the CLI ---------------------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("hospital-client")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "hospital_client"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.toml")), ids=lambda p: p.stem)
def test_policy_check_accepts_every_bundled_pack(path):
    proc = cli("policy", "check", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "OK" in proc.stdout and hashlib.sha256(path.read_bytes()).hexdigest() in proc.stdout


def test_policy_check_lists_warnings_and_illustrative_figures(tmp_path):
    proc = cli("policy", "check", str(POLICIES / "fuxin-2020.toml"))
    assert proc.returncode == 0, proc.stderr
    assert "  illustrative: hifmi.deductible.last_year_income" in proc.stdout.splitlines()
    nocap = tmp_path / "nocap.toml"
    nocap.write_text(GOOD.replace("annual_cap = 100000\n", ""), encoding="utf-8")
    proc = cli("policy", "check", str(nocap))
    assert proc.returncode == 0 and "  warning: basic.annual_cap: not given" in proc.stdout


def test_policy_explain_by_id_and_by_file():
    by_id = cli("policy", "explain", "fuxin-2020")
    assert by_id.returncode == 0, by_id.stderr
    assert "三级医院起付线 900 元" in by_id.stdout and "三级医院支付 70%" in by_id.stdout
    by_file = cli("policy", "explain", str(POLICIES / "fuxin-2020.toml"))
    assert by_file.stdout == by_id.stdout
    unknown = cli("policy", "explain", "no-such-pack")
    assert unknown.returncode == 2 and "no-such-pack" in unknown.stderr


def test_policy_check_rejects_a_bad_pack(tmp_path):
    bad = tmp_path / "bad-pack.toml"
    bad.write_text(GOOD.replace("2 = 0.80", "2 = 1.5"), encoding="utf-8")
    proc = cli("policy", "check", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "bad-pack.toml" in line and "basic.ratio.2" in line


def test_policy_list_shows_every_bundled_pack():
    proc = cli("policy", "list")
    assert proc.returncode == 0, proc.stderr
    for pack_id in BUNDLED_IDS:
        assert pack_id in proc.stdout
