"""Secrets in the OS keyring (Windows Credential Manager, Secret Service on desktop Linux):
the site's signing secret and the database key. Never in a file, the database or a log.

One place so that the service name, the error messages and the "no keyring backend" case are
the same for every secret.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backends import fail

SERVICE = "hospital-client"


class KeyringUnavailable(Exception):
    """No usable keyring backend on this machine (e.g. a headless Linux without a Secret Service)."""


def backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _check_backend() -> None:
    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise KeyringUnavailable(
            "no OS keyring is available (on Linux: install and unlock a Secret Service such as gnome-keyring; "
            "see docs/operations.md)"
        )


def get_secret(name: str) -> str | None:
    """The secret stored under `name` (e.g. "site:H99010000001"), or None if there is none."""
    _check_backend()
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring cannot be read: {exc}") from None


def set_secret(name: str, value: str) -> None:
    _check_backend()
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring cannot be written: {exc}") from None


def delete_secret(name: str) -> None:
    _check_backend()
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring cannot be written: {exc}") from None
