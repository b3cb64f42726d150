"""`hospital-client settlement-list` and `settlement-lists`: the 医疗保障基金结算清单 of a settlement
(4101) and the state of the lists of a period (4104).

    settlement-list LOCAL_ID [--record FILE] [--upload] [--json] [--db PATH] [--operator NAME --password-stdin]
    settlement-list LOCAL_ID --status confirm|withdraw [--json] [--db PATH] [--operator NAME --password-stdin]
    settlement-lists [--from DAY] [--to DAY] [--json] [--db PATH]

`settlement-list` builds the list of journal entry LOCAL_ID from the settlement, the HIS hand-off
of the stay and, with --record, HIS's 病案首页 (a JSON object: dscg_way, diseinfo, diag_names,
oprninfo and setlinfo fields such as chfpdr_name; docs/operations.md) and prints it with what is
still missing. With --upload a complete list is sent to the central system, which answers its
quality-control result. Exit codes: 0 built (and uploaded; a rejected list is still 0, the answer
says stas "rejected" and why); 2 the list is incomplete (nothing sent), the entry has no list, bad
input; 1 the central system unreachable.

With --status the uploaded list is confirmed (the 病案 office's check is done; a confirmed list is
not replaced until withdrawn) or withdrawn (it no longer counts until uploaded again), 4102.
Exit codes as for --upload; 2 when the central system refuses the change (not uploaded, not passed).

`settlement-lists` shows, for the inpatient settlements of the days (default: this month), which
lists are missing, accepted or rejected (with the reasons), confirmed or withdrawn, not final yet,
or unknown (offline).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from .arguments import day, record_id
from .common import (
    EXIT_OK,
    BadInput,
    Subparsers,
    add_db_option,
    command_operator,
    dump,
    load_json_text,
    open_desk_for_command,
    read_file,
)
from .operator_commands import add_desk_operator_options, desk_with_operator

__all__ = ["register"]

MAX_RECORD_BYTES = 1024 * 1024
STATE_NAMES = {"missing": "未上传", "accepted": "质控通过", "rejected": "质控未通过", "confirmed": "病案室已确认",
               "withdrawn": "已撤回", "not_final": "未最终结算", "unknown": "未知（未连中心）"}


def _record(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    data = read_file(path, max_bytes=MAX_RECORD_BYTES, what="medical record file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    value = load_json_text(text, path)
    if not isinstance(value, dict):
        raise BadInput(f"{path}: the medical record must be a JSON object (dscg_way, diseinfo, oprninfo, ...)")
    return value


def cmd_settlement_list(args: argparse.Namespace) -> int:
    if args.status is not None:
        if args.upload or args.record:
            raise BadInput("--status changes an uploaded list; it does not go with --upload or --record")
        with desk_with_operator(args, "clerk") as (desk, operator):
            answer = desk.change_settlement_list_status(operator.name, args.local_id, args.status)
        if args.json:
            dump(answer)
        else:
            print(f"settlement list of entry {answer['local_id']} ({answer.get('setl_id', '')}): "
                  f"{answer.get('stas', '')} {STATE_NAMES.get(str(answer.get('stas', '')), '')}, list id "
                  f"{answer.get('setl_list_id', '')}, version {answer.get('version', '')}")
        return EXIT_OK
    record = _record(args.record)
    with open_desk_for_command(args) as desk:
        if args.upload:
            operator = command_operator(args, desk, "clerk")
            answer = desk.upload_settlement_list(operator.name, args.local_id, record)
            if args.json:
                dump(answer)
            else:
                print(f"settlement list of entry {answer['local_id']} ({answer.get('setl_id', '')}): "
                      f"{answer.get('stas', '')}, list id {answer.get('setl_list_id', '')}, "
                      f"version {answer.get('version', '')} (sent as {answer.get('infno', '')})")
                for item in answer.get("qc_items") or []:
                    print(f"  {item.get('code')} {item.get('field')}: {item.get('msg')}")
            return EXIT_OK
        built = desk.settlement_list(args.local_id, record)
    if args.json:
        dump(built.to_dict())
        return EXIT_OK
    setl = built.content["setlinfo"]
    print(f"settlement list of entry {built.local_id} ({built.queue_no}), setl_id {built.setl_id or '-'}: "
          f"{'complete' if built.ready else f'{len(built.problems)} problems'}")
    print(f"  stay {setl.get('adm_time')} .. {setl.get('dscg_time')} ({setl.get('act_ipt_days')} days), "
          f"department {setl.get('dscg_caty') or '-'}, doctor {setl.get('chfpdr_name') or '-'}")
    for diag in built.content["diseinfo"]:
        main = "main" if diag.get("maindiag_flag") == "1" else "    "
        print(f"  diagnosis {main} {diag.get('diag_code')} {diag.get('diag_name') or '(no name)'}")
    for oprn in built.content["oprninfo"]:
        print(f"  procedure {oprn.get('oprn_oprt_code')} {oprn.get('oprn_oprt_name')} {oprn.get('oprn_oprt_date')}")
    for item in built.content["iteminfo"]:
        print(f"  fees {item['med_chrgitm_type']}: {item['amt']}")
    for problem in built.problems:
        print(f"  problem {problem.code} {problem.field}: {problem.msg}")
    return EXIT_OK


def cmd_settlement_lists(args: argparse.Namespace) -> int:
    today = dt.date.today()
    day_from = args.day_from or today.replace(day=1).isoformat()
    day_to = args.day_to or today.isoformat()
    with open_desk_for_command(args) as desk:
        rows, problem = desk.settlement_list_status(day_from, day_to)
    if args.json:
        dump({"from": day_from, "to": day_to, "central": problem or "ok", "lists": [r.to_dict() for r in rows]})
        return EXIT_OK
    if problem:
        print(f"hospital-client: the central system could not be asked: {problem}")
    print(f"{'local_id':>8} {'queue_no':<16} {'date':<10} {'setl_id':<20} state")
    for r in rows:
        print(f"{r.local_id:>8} {r.queue_no:<16} {r.setl_date:<10} {r.setl_id or '-':<20} "
              f"{r.state} {STATE_NAMES.get(r.state, '')}")
        for reason in r.reasons:
            print(f"{'':>8}   {reason}")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """settlement-list, settlement-lists."""
    p = sub.add_parser("settlement-list", help="a settlement's settlement list (结算清单, 4101); --upload sends it")
    p.add_argument("local_id", type=record_id("journal entry id"), help="the settlement's journal entry id")
    p.add_argument("--record", metavar="FILE", help="HIS medical record (病案首页) JSON: dscg_way, diseinfo, oprninfo")
    p.add_argument("--upload", action="store_true",
                   help="send the list to the central system (4101, or 4101A as site.toml settlement_list_upload says)")
    p.add_argument("--status", choices=("confirm", "withdraw"),
                   help="the 病案 office confirms or withdraws the uploaded list (4102)")
    p.add_argument("--json", action="store_true", help="print the list (or the answer) as JSON")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_settlement_list)

    p = sub.add_parser("settlement-lists", help="which settlement lists of a period are missing, accepted or rejected")
    p.add_argument("--from", dest="day_from", type=day, metavar="DAY", help="first business day (default: the 1st)")
    p.add_argument("--to", dest="day_to", type=day, metavar="DAY", help="last business day (default: today)")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_settlement_lists)

