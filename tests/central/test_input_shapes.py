"""Every transaction refuses an input field of the wrong shape (a list, an object or null where the
documented example has something else) with the protocol's error shape and a Chinese message; never
an internal error (HTTP 500).

The inputs start from each transaction's request example in docs/protocol.md (the first JSON block
of its section that holds ``data``); each field of it, at any depth (the first element of a list),
is replaced in turn by each wrong shape and sent to the real server.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from central_helpers import ROOT, Client, Server, item, make_request

from hospital_client import protocol as p

DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
WRONG_SHAPES: tuple[Any, ...] = (["x"], {"x": 1}, None)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SERVER_ERROR = p.ServerError("").infcode
# Transactions that must not be run with arbitrary input: the benchmark sink stores any body.
SKIPPED = {p.BENCH_SINK}
FRESH = {"local_id", "mdtrt_id"}


def _request_examples() -> dict[str, dict[str, Any]]:
    """Each transaction's request example: the first JSON block of its section holding ``data``."""
    examples: dict[str, dict[str, Any]] = {}
    for section in re.split(r"^### ", DOC, flags=re.M)[1:]:
        infno = section.split(" ", 1)[0]
        for block in re.findall(r"^```json\n(.*?)^```", section, flags=re.M | re.S):
            value = json.loads(block)
            if isinstance(value, dict) and "data" in value:
                examples[infno] = value
                break
    return examples


def _inputs() -> dict[str, list[dict[str, Any]]]:
    """The base inputs of every transaction: its example (``{"data": {}}`` without one); 9511 also
    stored (ack "stored") and with a demo settlement item."""
    examples = _request_examples()
    inputs: dict[str, list[dict[str, Any]]] = {}
    for infno in p.TRANSACTIONS:
        if infno in SKIPPED:
            continue
        inputs[infno] = [examples.get(infno, {"data": {}})]
    upload = {"data": [item("shape-1", make_request("DEMO990100000031", "MDT-SHAPE-1"))]}
    inputs[p.BATCH_UPLOAD] += [upload, {**upload, "ack": "stored"}, {**upload, "detail": "full"}]
    return inputs


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every field under value (dict keys; the first element of a list)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list) and value:
        yield (*prefix, 0)
        yield from _paths(value[0], (*prefix, 0))


def _replaced(base: dict[str, Any], path: tuple[Any, ...], new: Any) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return changed


def _fresh_keys(value: Any, tag: str) -> Any:
    """The variant with its own local_id and mdtrt_id (where they are strings), so that it is not
    refused as a repeat of an earlier variant before its wrong field is read."""
    if isinstance(value, dict):
        return {k: f"{v}-{tag}" if k in FRESH and isinstance(v, str) else _fresh_keys(v, tag)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh_keys(v, tag) for v in value]
    return value


def _variants(base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for extra in ("ack", "detail"):  # fields the handlers read beside data
        if extra not in base:
            for shape in WRONG_SHAPES:
                yield f"{extra}={shape!r}", {**base, extra: shape}
    for n, path in enumerate(_paths(base)):
        for m, shape in enumerate(WRONG_SHAPES):
            yield f"{'.'.join(map(str, path))}={shape!r}", _fresh_keys(_replaced(base, path, shape), f"v{n}.{m}")


@pytest.mark.parametrize("infno", sorted(_inputs()))
def test_wrong_shapes_are_refused_clearly(central: Server, site_a: Client, infno: str) -> None:
    failures: list[str] = []
    for base in _inputs()[infno]:
        for label, input_ in _variants(base):
            response = site_a.send(infno, input_)
            if response.status_code >= 500:
                failures.append(f"{label}: HTTP {response.status_code}")
                continue
            envelope = p.parse_response(response.content)
            if envelope.infcode == SERVER_ERROR:
                failures.append(f"{label}: infcode {envelope.infcode}")
            elif envelope.infcode != 0 and not CHINESE.search(envelope.err_msg):
                failures.append(f"{label}: err_msg without Chinese: {envelope.err_msg!r}")
    assert not failures, f"{infno}: " + "; ".join(failures[:20])


@pytest.mark.parametrize("kind", [["settlement"], {"settlement": 1}, None, 5])
@pytest.mark.parametrize("ack", ["adjudicated", "stored"])
def test_batch_upload_with_an_unusable_kind_names_the_field(central: Server, site_a: Client, kind: Any,
                                                            ack: str) -> None:
    bad = {**item("kind-1", make_request("DEMO990100000031", "MDT-KIND-1")), "kind": kind}
    response = site_a.send(p.BATCH_UPLOAD, {"data": [bad], "ack": ack})
    assert response.status_code == 200, response.text[:300]
    envelope = p.parse_response(response.content)
    if ack == "stored":  # the whole batch is refused before it is stored
        assert envelope.infcode == p.BadInput("").infcode
        assert "data[0].kind" in envelope.err_msg and "settlement 或 reversal" in envelope.err_msg
    else:  # the item is refused on its own
        assert envelope.infcode == 0
        (result,) = envelope.output["results"]
        assert result["status"] == "rejected" and result["infcode"] == p.BadInput("").infcode
        assert "data[0].kind" in result["err_msg"]
