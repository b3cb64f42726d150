from decimal import Decimal

import pytest

from hospital_client.rules.money import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("10", "壹拾元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1347.01", "壹仟叁佰肆拾柒元零壹分"),
        ("10010.10", "壹万零壹拾元壹角"),
        ("39753.28", "叁万玖仟柒佰伍拾叁元贰角捌分"),
        ("100000", "壹拾万元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("105000", "壹拾万伍仟元整"),
        ("1000000.00", "壹佰万元整"),
        ("200000001.20", "贰亿零壹元贰角"),
        ("-12.30", "负壹拾贰元叁角"),
        ("12.345", "壹拾贰元叁角伍分"),  # rounded half up to the fen first
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words
