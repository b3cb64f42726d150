"""docs/protocol.md stays true: its JSON examples parse, every transaction and infcode is
documented, and the worked signing example reproduces with protocol.sign."""

from __future__ import annotations

import json
import re

from central_helpers import ROOT

from hospital_client import protocol as p

DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    """The fenced blocks of one language ('' for plain fences), found by walking the fences in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    kind = ""
    for line in DOC.splitlines():
        if line.startswith("```"):
            if current is None:
                current, kind = [], line[3:].strip()
            else:
                if kind == language:
                    blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_every_json_example_is_json() -> None:
    blocks = _blocks("json")
    assert len(blocks) >= 30
    for block in blocks:
        json.loads(block)


def test_every_transaction_has_a_section_and_a_table_row() -> None:
    for infno, _name in p.TRANSACTIONS.items():
        assert re.search(rf"^### {infno} ", DOC, flags=re.M), infno
        assert f"| {infno} |" in DOC, infno


def test_every_infcode_is_in_the_table() -> None:
    for cls in (p.MissingCredentials, p.UnknownSite, p.BadSignature, p.StaleTimestamp, p.ReusedNonce, p.WrongSite,
                p.MalformedEnvelope, p.UnknownInfno, p.BadInput, p.MsgidConflict, p.BadMsgid, p.PayloadTooLarge,
                p.NotFound, p.Conflict, p.EncounterAlreadySettled, p.EcTokenExpired, p.EcTokenUnknown,
                p.CertificateMismatch, p.ServerError):
        assert f"| {cls.infcode} | `{cls.__name__}` | {cls.http_status} |" in DOC, cls.__name__


def test_the_worked_signing_example_reproduces() -> None:
    body = next(b for b in _blocks("") if b.startswith('{"infno":"9001"')).encode("utf-8")
    digest = re.search(r"^digest\s+= ([0-9a-f]{64})$", DOC, flags=re.M)
    signature = re.search(r"^signature = ([0-9a-f]{64})$", DOC, flags=re.M)
    assert digest and signature
    assert p.body_digest(body) == digest.group(1)
    assert p.sign("demo-secret-do-not-use", "1773129909", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "H99010000001",
                  body) == signature.group(1)
    envelope = p.parse_request_envelope(body)
    p.check_msgid(envelope.msgid, envelope.fixmedins_code)
    auth = p.parse_auth_headers({"x-tif-paasid": "H99010000001", "x-tif-timestamp": "1773129909",
                                 "x-tif-nonce": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                                 "x-tif-signature": signature.group(1)})
    p.verify_signature("demo-secret-do-not-use", auth, body, now=1773129909)
