"""What `settle` and `outpatient settle` read alike: the request file (or standard input) and the
payment options --tendered and --payment."""

from __future__ import annotations

import argparse
from typing import Any

from .. import app
from .common import BadInput, read_request

__all__ = ["payment_method", "request_of", "settle_payment"]


def request_of(args: argparse.Namespace) -> Any:
    """The request JSON of ``args.request`` (a file, or - for standard input); refused when the
    operator's password is to come from standard input too (``--password-stdin``)."""
    if args.request == "-" and getattr(args, "password_stdin", False):
        raise BadInput("read the request from a file when the password comes from standard input")
    return read_request(args.request)


def settle_payment(args: argparse.Namespace) -> app.Payment:
    """The payment of a committed settlement: --payment (default cash) and --tendered (default the
    cash due); both need --commit."""
    if (args.tendered is not None or args.payment is not None) and not args.commit:
        raise BadInput("--tendered and --payment need --commit")
    return app.Payment(args.payment or "cash", args.tendered)


def payment_method(text: str) -> str:
    """cash|card|wechat|alipay|account, or its Chinese name (argparse type of --payment)."""
    names = {v: k for k, v in app.PAYMENT_METHODS.items()}
    method = names.get(text, text)
    if method not in app.PAYMENT_METHODS:
        choices = ", ".join(f"{k} ({v})" for k, v in app.PAYMENT_METHODS.items())
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a payment method; one of {choices}")
    return method
