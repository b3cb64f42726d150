"""Look up a person by psn_no, ID number, card number or e-card code; masked unless asked."""

from __future__ import annotations

import pytest
from app_helpers import roster

from hospital_client import app, store


@pytest.mark.parametrize("key", ["psn_no", "certno", "card_no", "ecard_code"])
def test_lookup_by_each_key_masked(demo_db: store.LocalDatabase, key: str) -> None:
    person = roster()[3]
    (view,) = app.lookup_person(demo_db, person[key], year=person["year_to_date"]["year"])
    assert view.psn_no == person["psn_no"]
    assert view.certno == person["certno"][:4] + "*" * 10 + person["certno"][-4:]
    assert person["psn_name"] not in view.psn_name and view.psn_name[0] == person["psn_name"][0]
    assert view.card_no != person["card_no"] and view.ecard_code != person["ecard_code"]
    assert view.year_to_date["hifp_pay"] == person["year_to_date"]["hifp_pay"]
    assert view.masked


def test_unmasked_on_request_is_audited(demo_db: store.LocalDatabase) -> None:
    person = roster()[0]
    (view,) = app.lookup_person(demo_db, person["certno"], unmasked=True, operator="demo")
    assert (view.certno, view.psn_name) == (person["certno"], person["psn_name"])
    assert store.audit.entries(demo_db)[-1].action == "view_unmasked"


def test_no_match(demo_db: store.LocalDatabase) -> None:
    assert app.lookup_person(demo_db, "999999") == []
