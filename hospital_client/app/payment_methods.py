"""The payment methods a settlement may be paid with: the desk's fixed list (store.cash), less
医保个人账户 unless the settlement's policy pack allows it (``[payment] personal_account = true``,
docs/policy-packs.md). The window offers only these; a settlement paid another way is refused.
"""

from __future__ import annotations

from .. import rules
from ..store import LocalDatabase, caches
from ..store.cash import PAYMENT_METHODS
from .errors import PaymentNotAllowed

__all__ = ["PERSONAL_ACCOUNT", "allowed_methods", "methods_of_pack", "require_allowed"]

PERSONAL_ACCOUNT = "account"


def allowed_methods(pack: rules.Pack | None) -> dict[str, str]:
    """Code -> name of the methods a settlement under ``pack`` may be paid with (None: the
    pack is not known yet, so the personal account is not offered)."""
    account = pack is not None and pack.model.payment.personal_account
    return {code: name for code, name in PAYMENT_METHODS.items() if code != PERSONAL_ACCOUNT or account}


def require_allowed(pack: rules.Pack, method: str) -> None:
    """Refused (PaymentNotAllowed) when ``method`` may not pay a settlement under ``pack``."""
    if method in PAYMENT_METHODS and method not in allowed_methods(pack):
        raise PaymentNotAllowed(
            f"payment method {method!r} ({PAYMENT_METHODS[method]}) is not allowed by policy pack {pack.id} "
            f"{pack.version} ([payment] personal_account is not true); use one of "
            f"{', '.join(allowed_methods(pack))}")


def methods_of_pack(db: LocalDatabase, sha256: str) -> dict[str, str]:
    """The methods allowed by the cached pack with this hash (a preview's ``policy.sha256``)."""
    pack = next((p for p in caches.load_packs(db) if p.sha256 == sha256), None)
    return allowed_methods(pack)
