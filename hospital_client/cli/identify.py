"""`hospital-client identify`: who holds a certificate, and may the insurance pay for them.

    identify (--e-voucher TOKEN | --id-card NUMBER | --social-card NUMBER [--card-sn SN] | --read-card)
             [--from DAY] [--to DAY] [--json] [--db PATH]

The same as the settle screen's lookup and F6: 1101 and 2001 at the central system when it
answers, else this desk's roster (an e-voucher then exits 2: it needs the central system). The
person is shown masked; the benefit status is for the days given (default today).
"""

from __future__ import annotations

import argparse
import datetime as dt

from ..app.card_readers import CERT_EVOUCHER, CERT_ID_CARD, CERT_SOCIAL_CARD, Credential
from .arguments import day
from .common import EXIT_OK, BadInput, Subparsers, add_db_option, dump, open_desk_for_command, os_user

__all__ = ["register"]


def _credential(args: argparse.Namespace) -> Credential | None:
    for cert_type, number in ((CERT_EVOUCHER, args.e_voucher), (CERT_ID_CARD, args.id_card),
                              (CERT_SOCIAL_CARD, args.social_card)):
        if number is not None:
            if not number.strip():
                raise BadInput("the certificate number is empty")
            return Credential(cert_type, number.strip(), card_sn=args.card_sn or "", source="cli")
    return None


def cmd_identify(args: argparse.Namespace) -> int:
    if args.card_sn and args.social_card is None:
        raise BadInput("--card-sn goes with --social-card")
    first = dt.date.fromisoformat(args.day_from) if args.day_from else dt.date.today()
    last = dt.date.fromisoformat(args.day_to) if args.day_to else first
    if last < first:
        raise BadInput("--to is before --from")
    credential = _credential(args)
    with open_desk_for_command(args, first_start=True) as desk:
        found = desk.identify(credential or desk.read_card(), viewer=os_user())
        status = desk.benefit_status(found.person.psn_no, first, last)
    data = {"person": found.person.to_dict(), "source": found.source, "cert_type": found.cert_type,
            "benefit": {**status.to_dict(), "from": first.isoformat(), "to": last.isoformat()}}
    if args.json:
        dump(data)
        return EXIT_OK
    person = found.person
    print(f"{person.psn_no} {person.psn_name} {person.certno} {person.insutype} ({found.source})")
    if status.enjoyed:
        print(f"benefits {first}..{last}: normal")
    else:
        until = status.enddate or "further notice"
        print(f"benefits {first}..{last}: {status.state} ({status.state_name}) {status.begndate} to {until}: "
              f"{status.reason}")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """identify."""
    p = sub.add_parser("identify", help="who holds an e-voucher, ID card or social security card (1101), "
                                        "and their benefit status (2001)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--e-voucher", metavar="TOKEN", help="the e-voucher token (ecToken) the QR code gives")
    which.add_argument("--id-card", metavar="NUMBER", help="the ID number")
    which.add_argument("--social-card", metavar="NUMBER", help="the social security card number")
    which.add_argument("--read-card", action="store_true", help="read the card on the card reader (site file)")
    p.add_argument("--card-sn", metavar="SN", help="the social security card chip's serial number")
    p.add_argument("--from", dest="day_from", type=day, metavar="DAY", help="first day of the stay (default today)")
    p.add_argument("--to", dest="day_to", type=day, metavar="DAY", help="last day of the stay (default --from)")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_identify)

