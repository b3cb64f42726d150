"""How the desk reads who the patient is: a certificate (``Credential``) from a card reader, or
a scanned code typed into the lookup box.

The plug-in API is one Protocol, ``CardReader``: ``name`` and ``read() -> Credential``. A reader
yields one of the platform's certificate types (1101 ``mdtrt_cert_type``):

    01  医保电子凭证   e-voucher: the ecToken the app's QR code (or the vendor SDK) gives
    02  居民身份证     ID card: the ID number (certno)
    03  社会保障卡     social security card: the card number, and the chip's serial (card_sn)

Readers shipped here:

- the QR scanner as a keyboard wedge: it types the code into the lookup box and presses Enter;
  ``recognise_scan`` tells an ecToken, an ID number and a card number apart (no reader object
  is needed: the box is the reader);
- ``SimulatedReader``: cards placed on it in turn (the demo site: the demo roster's social
  security and ID cards; the tests: whatever they put on it).

A vendor's SDK (a 读卡器 DLL wrapped in Python) is plugged in through the entry-point group
``hospital_client.card_readers``: a package registers ``NAME = "module:factory"``, the site file
names it (``card_reader = "NAME"``), and ``load_reader`` calls ``factory()`` for an object with
``read()`` (docs/operations.md, "Card readers"). Nothing else of the desk knows the vendor.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from ..errors import QT_TRANSLATE_NOOP
from ..privacy import mask_id
from .errors import AppError

__all__ = [
    "CERT_EVOUCHER",
    "CERT_ID_CARD",
    "CERT_SOCIAL_CARD",
    "ENTRY_POINT_GROUP",
    "CardReader",
    "Credential",
    "NoCardPresent",
    "ReaderError",
    "ReaderUnavailable",
    "SimulatedReader",
    "is_ec_token",
    "load_reader",
    "recognise_scan",
]

CERT_EVOUCHER, CERT_ID_CARD, CERT_SOCIAL_CARD = "01", "02", "03"
CERT_NAMES = {CERT_EVOUCHER: "医保电子凭证", CERT_ID_CARD: "身份证", CERT_SOCIAL_CARD: "社保卡"}
ENTRY_POINT_GROUP = "hospital_client.card_readers"

# The reference system's ecToken: the insured place (6 digits) and 32 lowercase hex digits
# (central/evoucher.py). An ID number: 17 digits and a digit or X. A social security card number:
# 1 to 3 capital letters and 6 to 9 digits (the demo cards; a region's own format is read by its
# reader, which says the type itself).
_EC_TOKEN = re.compile(r"^\d{6}[0-9a-f]{32}$")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_CARD_NUMBER = re.compile(r"^[A-Z]{1,3}\d{6,9}$")


class ReaderError(AppError):
    """The card reader could not give a certificate."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The card reader did not give a card; read it again, or type the ID number.")  # noqa: E501


class ReaderUnavailable(ReaderError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "No card reader is ready on this desk (none configured, or its driver failed to load); scan the e-voucher or type the ID number. IT: see the log.")  # noqa: E501


class NoCardPresent(ReaderError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "No card on the reader: put the social security card or ID card on the reader and press F6 again.")  # noqa: E501


@dataclass(frozen=True, slots=True)
class Credential:
    """A certificate read or scanned: its type (01/02/03), its number (the ecToken for 01) and,
    for a social security card, the chip's serial number (card_sn)."""

    cert_type: str
    number: str
    card_sn: str = ""
    source: str = ""  # "scan", "simulated", or the vendor reader's name

    def __post_init__(self) -> None:
        if self.cert_type not in CERT_NAMES:
            raise ValueError(f"cert_type {self.cert_type!r} is not 01, 02 or 03")
        if not self.number.strip():
            raise ValueError("a credential needs a number")

    @property
    def ec_token(self) -> str | None:
        return self.number if self.cert_type == CERT_EVOUCHER else None

    def masked(self) -> str:
        """For the screen and the log: the type and the number masked."""
        return f"{CERT_NAMES[self.cert_type]} {mask_id(self.number)}"

    def __repr__(self) -> str:  # never the number in a traceback or a log
        return f"Credential({self.cert_type}, {mask_id(self.number)}, source={self.source!r})"


@runtime_checkable
class CardReader(Protocol):
    """The plug-in API: a reader the clerk triggers (F6). ``read`` blocks until a certificate is
    read or raises ``ReaderError`` (``NoCardPresent`` when nothing is on it)."""

    name: str

    def read(self) -> Credential: ...


def is_ec_token(text: str) -> bool:
    return bool(_EC_TOKEN.match(text.strip()))


def recognise_scan(text: str) -> Credential | None:
    """What a QR scanner or card-number scanner typed into the lookup box: an ecToken (01), an ID
    number (02), a social security card number (03), or None for anything else (a psn_no, the
    roster's e-card code), which the desk looks up in the roster as it is."""
    code = text.strip().strip("\x02\x03")  # some scanners wrap the code in STX/ETX
    if _EC_TOKEN.match(code):
        return Credential(CERT_EVOUCHER, code, source="scan")
    if _ID_NUMBER.match(code.upper()):
        return Credential(CERT_ID_CARD, code.upper(), source="scan")
    if _CARD_NUMBER.match(code):
        return Credential(CERT_SOCIAL_CARD, code, source="scan")
    return None


class SimulatedReader:
    """A reader with cards put on it in turn: ``read`` gives the next one (after the last, the
    first again when ``cycle``; else NoCardPresent). The demo site's reader and the tests'."""

    name = "simulated"

    def __init__(self, cards: Iterable[Credential] = (), *, cycle: bool = True) -> None:
        self._cards = list(cards)
        self._cycle = cycle
        self._next = 0
        self._lock = threading.Lock()

    def put(self, card: Credential) -> None:
        """Put a card on the reader: it is read next."""
        with self._lock:
            self._cards.insert(self._next, card)

    def read(self) -> Credential:
        with self._lock:
            if not self._cards or (self._next >= len(self._cards) and not self._cycle):
                raise NoCardPresent("the simulated reader has no card on it")
            card = self._cards[self._next % len(self._cards)]
            self._next = (self._next + 1) % len(self._cards) if self._cycle else self._next + 1
            return card

    @classmethod
    def for_roster(cls, persons: Sequence[Mapping[str, Any]]) -> SimulatedReader:
        """The demo site's reader: each person's social security card, then ID card, in roster
        order, so that F6 at the demo desk always reads someone."""
        social = [Credential(CERT_SOCIAL_CARD, str(p["card_no"]), source="simulated")
                  for p in persons if p.get("card_no")]
        ids = [Credential(CERT_ID_CARD, str(p["certno"]), source="simulated") for p in persons if p.get("certno")]
        return cls(itertools.chain(social, ids))


def load_reader(setting: str, *, demo: bool,
                roster: Callable[[], Sequence[Mapping[str, Any]]] = lambda: ()) -> CardReader | None:
    """The reader the site file names (``card_reader``): "" is the simulated one on the demo site
    and none elsewhere; "none"; "simulated"; or the name of a vendor reader registered in the
    entry-point group ``hospital_client.card_readers``. Raises ReaderUnavailable naming the cause."""
    name = setting.strip()
    if name == "none" or (not name and not demo):
        return None
    if name in ("", "simulated"):
        return SimulatedReader.for_roster(roster())
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        raise ReaderUnavailable(f"card_reader = {name!r}: no reader of that name is installed "
                                f"(entry-point group {ENTRY_POINT_GROUP})")
    try:
        reader = found[0].load()()
    except Exception as exc:  # a vendor's driver: whatever it raises, the desk keeps working without it
        raise ReaderUnavailable(f"card_reader = {name!r}: the reader failed to load: {exc!r}") from None
    if not isinstance(reader, CardReader):
        raise ReaderUnavailable(f"card_reader = {name!r}: {type(reader).__name__} has no read() and name")
    return reader
