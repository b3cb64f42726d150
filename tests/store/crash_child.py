"""Child process of the crash-safety test and soak: commits settlements (and now and then a
reversal) in a loop and prints each one's local_id only after its commit returned.

    python crash_child.py DB TEMPLATE.json PREFIX

Imports only the store (no Qt, no rules core). Lines printed: "ready", then "S <local_id>
<mdtrt_id>" per settlement and "R <local_id> <reversed_local_id>" per reversal.
"""

from __future__ import annotations

import json
import sys

from hospital_client.store import journal, open_database


def main() -> None:
    db_path, template_path, prefix = sys.argv[1:4]
    template = json.loads(open(template_path, encoding="utf-8").read())
    db = open_database(db_path)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    mine: list[int] = []
    i = 0
    while True:
        request = dict(template["request"])
        mdtrt_id = f"{prefix}-{i}"
        request["encounter"] = {**request["encounter"], "mdtrt_id": mdtrt_id}
        new = journal.NewSettlement(request, template["result"], template["ytd_before"], "request",
                                    template["catalog_sha256"], "crash")
        committed = journal.record_settlement(db, new)
        out.write(f"S {committed.local_id} {mdtrt_id}\n")
        out.flush()
        mine.append(committed.local_id)
        if i % 5 == 4:
            target = mine.pop(0)
            reversal = journal.record_reversal(db, target, operator="crash", reason="crash test")
            out.write(f"R {reversal.local_id} {target}\n")
            out.flush()
        i += 1


if __name__ == "__main__":
    main()
