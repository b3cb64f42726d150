"""Request and response envelopes: building them, and parsing them strictly."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .codes import CST, INFCODE_OK, INFVER
from .errors import MalformedEnvelope, error_for_infcode
from .msgid import format_time, parse_time
from .wire_json import _reject_constant, dumps, loads

_REQUEST_TEXT_FIELDS = ("infno", "msgid", "inf_time", "fixmedins_code", "fixmedins_name", "mdtrtarea_admvs",
                        "insuplc_admdvs", "opter", "opter_name", "opter_type", "infver", "sign_no")
_REQUIRED = ("infno", "msgid", "fixmedins_code", "input")


@dataclass(frozen=True, slots=True)
class RequestEnvelope:
    infno: str
    msgid: str
    fixmedins_code: str
    input: Any
    input_bytes: bytes = field(default=b"", repr=False, compare=False)
    # where each element of ``input.data`` is in the text of the body, when it is an array (a
    # batch's items): data_item_bytes() gives their exact bytes as sent
    data_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)
    source_text: str = field(default="", repr=False, compare=False)
    inf_time: str = ""
    fixmedins_name: str = ""
    mdtrtarea_admvs: str = ""
    insuplc_admdvs: str = ""
    opter: str = ""
    opter_name: str = ""
    opter_type: str = ""
    infver: str = INFVER
    sign_no: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in _REQUEST_TEXT_FIELDS}
        data["input"] = self.input
        return data

    def data_item_bytes(self) -> list[bytes]:
        """The exact bytes of each element of ``input.data`` as sent (a batch's items, in order),
        when the envelope was parsed from a body and ``input.data`` is an array; else []."""
        text = self.source_text
        return [text[start:end].encode("utf-8") for start, end in self.data_spans]


def build_request(infno: str, input_: Any, *, msgid: str, fixmedins_code: str, fixmedins_name: str = "",
                  mdtrtarea_admvs: str = "", insuplc_admdvs: str = "", opter: str = "", opter_name: str = "",
                  opter_type: str = "1", sign_no: str = "", inf_time: dt.datetime | None = None) -> dict[str, Any]:
    """A request envelope as a dict, ready for dumps() and signed_headers()."""
    return RequestEnvelope(
        infno=infno, msgid=msgid, fixmedins_code=fixmedins_code, input=input_,
        inf_time=format_time(inf_time or dt.datetime.now(CST)), fixmedins_name=fixmedins_name,
        mdtrtarea_admvs=mdtrtarea_admvs, insuplc_admdvs=insuplc_admdvs, opter=opter, opter_name=opter_name,
        opter_type=opter_type, sign_no=sign_no,
    ).to_dict()


def request_bytes(infno: str, input_json: bytes, **envelope: Any) -> bytes:
    """``dumps(build_request(infno, input_, ...))`` for an ``input`` already serialised to JSON bytes:
    the bytes are spliced in as they are (a large batch is not decoded and encoded again)."""
    head = dumps(build_request(infno, {}, **envelope))
    if not head.endswith(b'"input":{}}'):  # pragma: no cover - build_request puts input last
        raise ValueError("the envelope does not end with its input")
    return head[:-3] + input_json + b"}"


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)
_WS = re.compile(r"[ \t\n\r]*")


def _top_level(text: str, spans: list[tuple[int, int]]) -> dict[str, tuple[Any, int, int]]:
    """A JSON object's members with the span of each value in the text (one pass, C scanner);
    ``spans`` receives those of the elements of ``input.data`` when it is an array (_decode_input)."""
    members: dict[str, tuple[Any, int, int]] = {}
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] != "{":
        raise ValueError("not a JSON object")
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] == "}":
        end = pos + 1
    else:
        while True:
            if text[pos:pos + 1] != '"':
                raise ValueError(f"expected a member name at character {pos}")
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] != ":":
                raise ValueError(f"expected ':' at character {pos}")
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            value, after = _DECODER.raw_decode(text, pos) if key != "input" else _decode_input(text, pos, spans)
            members[key] = (value, pos, after)
            pos = _WS.match(text, after).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] == ",":
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                continue
            if text[pos:pos + 1] != "}":
                raise ValueError(f"expected ',' or '}}' at character {pos}")
            end = pos + 1
            break
    if _WS.match(text, end).end() != len(text):  # type: ignore[union-attr]
        raise ValueError("extra data after the JSON object")
    return members


def _decode_input(text: str, pos: int, spans: list[tuple[int, int]]) -> tuple[Any, int]:
    """The envelope's ``input`` value at ``pos`` and where it ends, as ``raw_decode`` reads it; when
    it is an object whose ``data`` is an array, the span of each element goes into ``spans`` (the
    same single pass, member by member and element by element). Anything unusual (not an object,
    invalid JSON): ``spans`` stays empty and ``raw_decode`` reads the value (and names the error)."""
    try:
        return _input_with_spans(text, pos, spans)
    except (ValueError, IndexError):
        spans.clear()
        return _DECODER.raw_decode(text, pos)


def _input_with_spans(text: str, pos: int, spans: list[tuple[int, int]]) -> tuple[Any, int]:
    if text[pos:pos + 1] != "{":
        return _DECODER.raw_decode(text, pos)
    ws, decode = _WS.match, _DECODER.raw_decode
    value: dict[str, Any] = {}
    pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] == "}":
        return value, pos + 1
    while True:
        if text[pos:pos + 1] != '"':
            raise ValueError(f"expected a member name at character {pos}")
        key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        pos = ws(text, pos).end()  # type: ignore[union-attr]
        if text[pos:pos + 1] != ":":
            raise ValueError(f"expected ':' at character {pos}")
        pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
        if key == "data" and text[pos:pos + 1] == "[":
            spans.clear()  # a repeated member: the last one counts, as in the parsed value
            elements: list[Any] = []
            pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] == "]":
                pos += 1
            else:
                while True:
                    element, after = decode(text, pos)
                    elements.append(element)
                    spans.append((pos, after))
                    pos = ws(text, after).end()  # type: ignore[union-attr]
                    if text[pos:pos + 1] == ",":
                        pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
                        continue
                    if text[pos:pos + 1] != "]":
                        raise ValueError(f"expected ',' or ']' at character {pos}")
                    pos += 1
                    break
            value[key] = elements
        else:
            if key == "data":
                spans.clear()
            value[key], pos = decode(text, pos)
        pos = ws(text, pos).end()  # type: ignore[union-attr]
        if text[pos:pos + 1] == ",":
            pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if text[pos:pos + 1] != "}":
            raise ValueError(f"expected ',' or '}}' at character {pos}")
        return value, pos + 1


def parse_request_envelope(body: bytes) -> RequestEnvelope:
    """A request envelope from its bytes. Raises MalformedEnvelope naming the field.

    ``input_bytes`` is the exact text of the ``input`` value as sent (for message_fingerprint).
    """
    try:
        text = body.decode("utf-8")
        spans: list[tuple[int, int]] = []
        members = _top_level(text, spans)
    except UnicodeDecodeError:
        raise MalformedEnvelope("报文不是 UTF-8 编码") from None
    except (ValueError, RecursionError) as exc:
        raise MalformedEnvelope(f"报文不是有效的 JSON 对象：{exc}") from None
    data = {k: v[0] for k, v in members.items()}
    for name in _REQUIRED:
        if name not in data:
            raise MalformedEnvelope(f"缺少报文字段 {name}")
    values: dict[str, Any] = {}
    for name in _REQUEST_TEXT_FIELDS:
        value = data.get(name, "")
        if value is None:
            value = ""
        if isinstance(value, int) and not isinstance(value, bool) and name in ("infno", "opter_type"):
            value = str(value)
        if not isinstance(value, str):
            raise MalformedEnvelope(f"报文字段 {name} 应为字符串")
        if len(value) > 200:
            raise MalformedEnvelope(f"报文字段 {name} 过长")
        values[name] = value
    if not isinstance(data["input"], dict):
        raise MalformedEnvelope("报文字段 input 应为 JSON 对象")
    if values.get("inf_time"):
        try:
            parse_time(values["inf_time"])
        except ValueError:
            raise MalformedEnvelope("报文字段 inf_time 应为 yyyy-MM-dd HH:mm:ss") from None
    _, start, end = members["input"]
    return RequestEnvelope(input=data["input"], input_bytes=text[start:end].encode("utf-8"),
                           data_spans=tuple(spans), source_text=text if spans else "", **values)


@dataclass(frozen=True, slots=True)
class ResponseEnvelope:
    infcode: int
    inf_refmsgid: str
    refmsg_time: str
    respond_time: str
    err_msg: str
    output: Any = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.infcode == INFCODE_OK

    def to_dict(self) -> dict[str, Any]:
        return {"infcode": self.infcode, "inf_refmsgid": self.inf_refmsgid, "refmsg_time": self.refmsg_time,
                "respond_time": self.respond_time, "err_msg": self.err_msg, "output": self.output}

    def raise_for_infcode(self) -> None:
        """Raise the typed ProtocolError of a refused message; nothing for infcode 0."""
        if not self.ok:
            raise error_for_infcode(self.infcode, self.err_msg, self.output)


def build_response(*, infcode: int, inf_refmsgid: str, refmsg_time: str, respond_time: str, err_msg: str = "",
                   output: Any = None) -> dict[str, Any]:
    return ResponseEnvelope(infcode=infcode, inf_refmsgid=inf_refmsgid, refmsg_time=refmsg_time,
                            respond_time=respond_time, err_msg=err_msg,
                            output={} if output is None else output).to_dict()


def parse_response(body: bytes) -> ResponseEnvelope:
    """A response envelope from its bytes. Raises MalformedEnvelope."""
    try:
        data = loads(body)
    except (ValueError, RecursionError) as exc:
        raise MalformedEnvelope(f"应答不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("infcode"), int) or isinstance(data["infcode"], bool):
        raise MalformedEnvelope("应答不是信封格式（缺少整数 infcode）")
    texts = {}
    for name in ("inf_refmsgid", "refmsg_time", "respond_time", "err_msg"):
        value = data.get(name) or ""
        if not isinstance(value, str):
            raise MalformedEnvelope(f"应答字段 {name} 应为字符串")
        texts[name] = value
    return ResponseEnvelope(infcode=data["infcode"], output=data.get("output") or {}, **texts)
