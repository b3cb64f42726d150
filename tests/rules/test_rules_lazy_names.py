"""`hospital_client.rules` loads its names on first use (PEP 562): each exported name maps to
the module that defines it, and importing the light parts leaves the pydantic schemas unloaded."""

from __future__ import annotations

import subprocess
import sys

import hospital_client.rules as rules


def test_every_exported_name_is_mapped_and_loads() -> None:
    assert set(rules.__all__) == set(rules._WHERE)
    rules.load_all()
    for name in rules.__all__:
        value = getattr(rules, name)
        assert getattr(sys.modules[f"hospital_client.rules.{rules._WHERE[name]}"], name) is value


def test_the_catalogue_and_errors_load_without_the_schemas() -> None:
    code = ("import sys; from hospital_client.rules import Catalog, RequestError; "
            "from hospital_client.rules.money import amount_in_words; "
            "print('pydantic' in sys.modules, 'hospital_client.rules.engine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
