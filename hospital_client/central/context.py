"""What a transaction handler is given: ``Central`` (the store, the reference data loaded from it
and the lookups every family shares) and ``Context`` (the message being handled).

A handler is ``handler(central, ctx, input_)`` and returns the output object, or its JSON bytes
when it splices stored JSON in. It runs inside the message's database transaction (a savepoint)
and refuses by raising a ``BusinessError``; the service (service.py) stores the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, NotFound
from ..rules import Catalog, NoPackError, Pack, RulesError, parse_catalog, parse_pack, select_pack
from ..rules.review import ReviewLibrary, select_library
from . import adjudication as adj
from .review_libraries import libraries_in_force
from .store import Accumulators, CentralStore, PackBlob, PersonRecord

log = logging.getLogger("hospital_client.central")


@dataclass(frozen=True, slots=True)
class Context:
    site: str
    env: p.RequestEnvelope
    now: dt.datetime
    received: str  # refmsg_time, CST


class Central:
    """The central system's store and its authoritative packs and catalogue, loaded at the start (the
    packs again when 9501 finds the database's changed: ``packs_of``)."""

    def __init__(self, store: CentralStore, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        self.packs: list[Pack] = []
        self.catalog: Catalog | None = None
        self.review_libraries: list[ReviewLibrary] = []
        self.reload()

    def reload(self) -> None:
        """Packs, catalogue and review-rule libraries from the store (the central system's
        authoritative copies; review_libraries.py)."""
        self.packs = [parse_pack(b.data, b.source_name) for b in self.store.list_packs()]
        blob = self.store.get_catalog()
        self.catalog = None if blob is None else parse_catalog(blob.data, blob.source_name)
        self.review_libraries = libraries_in_force(self.store)

    def packs_of(self, blobs: list[PackBlob]) -> dict[str, Pack]:
        """The parsed packs of ``blobs`` (the store's pack rows, as just read) by id. When they are not
        the ones loaded (packs added or changed in the database since the start), the packs are
        loaded again first, so the running system settles with the packs it lists."""
        if {(b.id, b.sha256) for b in blobs} != {(pk.id, pk.sha256) for pk in self.packs}:
            packs = []
            for blob in blobs:
                try:
                    packs.append(parse_pack(blob.data, blob.source_name))
                except RulesError as exc:
                    log.error("central pack %s in the database cannot be loaded: %s", blob.id, exc)
                    raise p.ServerError(f"中心系统数据库中的政策包 {blob.id} 无法载入，请联系中心系统管理员") from None
            self.packs = packs
        return {pk.id: pk for pk in self.packs}

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), p.CST)

    def person(self, psn_no: str) -> PersonRecord:
        person = self.store.find_person(psn_no=psn_no)
        if person is None:
            raise NotFound(f"中心名册中没有参保人员 {psn_no}")
        return person

    def accumulators(self, psn_no: str, year: int) -> Accumulators:
        return self.store.get_accumulators(psn_no, year) or adj.zero_accumulators()

    def loaded_catalog(self) -> Catalog:
        if self.catalog is None:
            raise NotFound("中心系统尚未载入医保目录")
        return self.catalog

    def review_for(self, person: PersonRecord) -> ReviewLibrary | None:
        """The review-rule library covering the person's insured place (the stored ones), or None."""
        return select_library(self.review_libraries, str(person.data.get("insuplc_admdvs") or ""))

    def pack_for(self, person: PersonRecord, day: dt.date) -> Pack:
        try:
            return select_pack(self.packs, str(person.data.get("insuplc_admdvs") or ""),
                               str(person.data.get("insutype") or ""), day)
        except NoPackError as exc:
            raise BadInput(f"中心系统没有适用的政策包：{exc}") from None


Handler = Callable[[Central, Context, dict[str, Any]], dict[str, Any] | bytes]
