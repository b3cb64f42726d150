"""`hospital-client review check|list`: the review-rule libraries (审核规则).

    review check FILE
    review list [--json]
"""

from __future__ import annotations

import argparse

from ..app import review_rules
from .common import EXIT_OK, Subparsers
from .listing_output import print_listing


def cmd_review_check(args: argparse.Namespace) -> int:
    library = review_rules.check_review_library(args.file)
    print(f"{args.file}: OK  id={library.id} version={library.version} sha256={library.sha256} "
          f"rules={len(library.rules)}")
    return EXIT_OK


def cmd_review_list(args: argparse.Namespace) -> int:
    return print_listing(args.json, review_rules.bundled_review_libraries(), review_rules.review_summary,
                         lambda lib: f"{lib.id:<28} {lib.version:<10} {len(lib.rules):>6} rules  {lib.name}")


def register(sub: Subparsers) -> None:
    """review."""
    review = sub.add_parser("review", help="review-rule libraries (审核规则)").add_subparsers(
        dest="review_command", required=True)
    p = review.add_parser("check", help="validate a review-rule library file")
    p.add_argument("file")
    p.set_defaults(func=cmd_review_check)
    p = review.add_parser("list", help="list the bundled review-rule libraries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review_list)
