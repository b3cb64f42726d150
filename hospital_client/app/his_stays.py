"""The waiting list (待结算) of stays handed over by HIS: import, list, take one to settle.

A stay taken from HIS is settled with its stay key (the platform's mdtrt_id, else the 住院号) as
the request's ``mdtrt_id``, so the journal refuses a second settlement of it while the first is in
force, and the refusal names the first (流水号, time, clerk, amount).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import QT_TRANSLATE_NOOP, HospitalClientError
from ..privacy import mask_id, mask_name
from ..store import LocalDatabase, caches, his
from ..store.caches import RosterPerson
from .encounter import EncounterInput
from .errors import AppError
from .his_handoff import HANDOFF_SUFFIXES, Handoff, HandoffError, HandoffMismatch, check_person, read_handoff

__all__ = ["MAX_DROP_FILES", "LevelNotSet", "TakenStay", "import_handoff", "scan_drop_folder", "take", "waiting"]

log = logging.getLogger(__name__)

# Hand-offs read from the drop folder at one scan (the oldest first); the rest wait for the next.
MAX_DROP_FILES = 500


class LevelNotSet(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The hospital level is not set in the site file; ask IT to set it.")


@dataclass(frozen=True, slots=True)
class TakenStay:
    """A waiting stay taken to settle: who, the stay as HIS gave it, its fee lines."""

    psn_no: str
    stay: his.HisStay
    hosp_lv: int | None

    @property
    def fees(self) -> list[dict[str, Any]]:
        return [dict(f) for f in self.stay.fees]

    @property
    def encounter(self) -> EncounterInput:
        if self.hosp_lv is None:
            raise LevelNotSet("the site file has no [site] level (1, 2 or 3): set it, or settle at the window")
        return EncounterInput(mdtrt_id=self.stay.stay_key, hosp_lv=self.hosp_lv,
                              begntime=dt.date.fromisoformat(self.stay.begntime),
                              endtime=dt.date.fromisoformat(self.stay.endtime), diagnoses=self.stay.diagnoses)

    def to_dict(self) -> dict[str, Any]:
        return {**self.stay.summary(), "hosp_lv": self.hosp_lv}


def _person_of(db: LocalDatabase, handoff: Handoff) -> RosterPerson:
    patient, source = handoff.patient, handoff.stay.source
    person: RosterPerson | None = None
    if patient.get("psn_no"):
        person = caches.get_person(db, patient["psn_no"])
    else:
        found = caches.find_person(db, patient.get("certno") or patient.get("card", ""))
        if len(found) > 1:
            raise HandoffMismatch(f"{source}: the identification names {len(found)} persons in the roster")
        person = found[0] if found else None
    if person is None:
        key = next(k for k in ("psn_no", "certno", "card") if patient.get(k))
        raise HandoffError(source, "unknown_person", key, "the patient is not in the local roster (sync the roster)")
    check_person(patient, person, source=source)
    return person


def import_handoff(db: LocalDatabase, handoff: Handoff, operator: str) -> dict[str, Any]:
    person = _person_of(db, handoff)
    stay = his.put_stay(db, replace(handoff.stay, psn_no=person.psn_no), operator=operator)
    return {**stay.summary(), "psn_name": mask_name(person.psn_name), "certno": mask_id(person.certno)}


def _known(db: LocalDatabase, stay: his.HisStay) -> bool:
    """Whether this hand-off is on the list already as it is, or its stay is settled."""
    try:
        known = his.get_stay(db, stay.stay_key)
    except his.NotFound:
        return False
    if known.stay_key != stay.stay_key:
        return False
    same = (known.source, known.medfee_sumamt, len(known.fees)) == (stay.source, stay.medfee_sumamt, len(stay.fees))
    return same or not known.waiting


def scan_drop_folder(db: LocalDatabase, folder: Path, operator: str, seen: dict[str, tuple[int, int]] | None = None,
                     refused: dict[str, str] | None = None) -> dict[str, str]:
    """Put the hand-offs found in the drop folder on the waiting list (each new or changed one once,
    audited); the files stay where HIS put them. Files in ``seen`` with the same size and time were
    read at an earlier look and are not read again (``seen`` is updated). Returns ``refused``
    updated: the files refused, with the reason (English)."""
    seen = {} if seen is None else seen
    refused = {} if refused is None else refused
    try:
        files = sorted((p for p in folder.iterdir() if p.suffix.lower() in HANDOFF_SUFFIXES and p.is_file()),
                       key=lambda p: (p.stat().st_mtime, p.name))[:MAX_DROP_FILES]
    except OSError as exc:
        refused[str(folder)] = f"the drop folder cannot be read: {exc.strerror}"
        return refused
    refused.pop(str(folder), None)
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        mark = (stat.st_size, stat.st_mtime_ns)
        if seen.get(path.name) == mark:
            continue
        seen[path.name] = mark
        refused.pop(path.name, None)
        try:
            handoff = read_handoff(path)
            if not _known(db, handoff.stay):
                import_handoff(db, handoff, operator)
        except HospitalClientError as exc:
            if isinstance(exc, his.DuplicateSettlement):
                continue
            refused[path.name] = str(exc)
            # No file name in the log: HIS may name its files after the patient.
            log.warning("a HIS hand-off in the drop folder was refused (%s)", type(exc).__name__)
    return refused


def waiting(db: LocalDatabase) -> list[dict[str, Any]]:
    out = []
    for stay in his.stays(db):
        person = caches.get_person(db, stay.psn_no)
        out.append({**stay.summary(), "psn_name": mask_name(person.psn_name) if person else "",
                    "certno": mask_id(person.certno) if person else ""})
    return out


def take(db: LocalDatabase, key: str, psn_no: str | None, *, hosp_lv: int | None) -> TakenStay:
    stay = his.get_stay(db, key)
    his.stay_in_force(db, stay.stay_key)
    if psn_no is not None and psn_no != stay.psn_no:
        raise HandoffMismatch(f"stay {stay.ipt_no} ({stay.source}) was handed over for person {stay.psn_no}, "
                              f"not for the identified person {psn_no}")
    return TakenStay(stay.psn_no, stay, hosp_lv)
