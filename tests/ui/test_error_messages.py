"""Every error the program raises on purpose derives from one root and reaches the clerk as a
Chinese sentence through Qt's translation system (context "errors"), followed by its detail."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

import hospital_client
from hospital_client import protocol as p
from hospital_client.errors import HospitalClientError
from hospital_client.store.errors import DiskFull
from hospital_client.sync.errors import CentralRefused
from hospital_client.ui.messages import Notice, error_text

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLIENT_ONLY = ("hospital_client.ui.screenshots",)


def _all_error_classes() -> list[type[HospitalClientError]]:
    for info in pkgutil.walk_packages(hospital_client.__path__, "hospital_client."):
        if info.name.endswith("__main__") or info.name in _CLIENT_ONLY:
            continue
        importlib.import_module(info.name)
    found: list[type[HospitalClientError]] = []
    todo = [HospitalClientError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_package_error_derives_from_the_root() -> None:
    roots = []
    for path in Path(hospital_client.__file__).parent.rglob("*.py"):
        for match in re.finditer(r"^class (\w+)\((Exception|BaseException)\)", path.read_text(encoding="utf-8"), re.M):
            roots.append(f"{path.name}: {match.group(1)}")
    private = [r for r in roots if r.split(": ")[1].startswith("_")]
    assert sorted(set(roots) - set(private)) == ["errors.py: HospitalClientError"]


def test_every_clerk_sentence_is_translated() -> None:
    untranslated = []
    for cls in _all_error_classes():
        if cls is Notice:
            continue
        chinese = QCoreApplication.translate("errors", cls.clerk_text)
        if not _CJK.search(chinese):
            untranslated.append(f"{cls.__module__}.{cls.__name__}: {cls.clerk_text}")
    assert untranslated == []


def test_a_store_error_reads_in_chinese_with_its_detail(tmp_path: Path) -> None:
    text = error_text(DiskFull(tmp_path / "desk.db"))
    first, _, detail = text.partition("\n")
    assert "磁盘已满" in first and str(tmp_path) in detail


@pytest.mark.parametrize(("refusal", "expected"), [
    (p.BadSignature("签名校验失败"), "接入密钥不正确"),
    (p.StaleTimestamp("时间戳过期"), "本机时钟"),
    (p.Conflict("该结算已冲正"), "医保中心拒绝（3002）：该结算已冲正"),
])
def test_a_central_refusal_says_what_to_do(refusal: p.ProtocolError, expected: str) -> None:
    assert expected in error_text(CentralRefused("refused", refusal))


def test_an_unexpected_error_still_gets_a_sentence() -> None:
    text = error_text(ZeroDivisionError("boom"))
    assert _CJK.search(text) and "ZeroDivisionError: boom" in text
