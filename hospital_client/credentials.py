"""Secrets in the OS keyring (Windows Credential Manager, Secret Service on desktop Linux):
the site's signing secret and the database key. Never in a file, the database or a log.

One place so that the service name, the error messages and the "no keyring backend" case are
the same for every secret.

keyring is imported on first use, not with this module: its import costs the desk's start
about 50 ms (it brings urllib, email and ssl), and the desk reads its first secret in a helper
process (``store.key_prefetch``).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

from .errors import QT_TRANSLATE_NOOP, HospitalClientError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "hospital-client"
READ_ATTEMPTS = 3
# The backend keyring itself would choose on a plain desktop of each system. Finding it by
# name saves the desk's start-up a scan of every installed backend (each probing D-Bus).
_NATIVE = {"win32": "keyring.backends.Windows.WinVaultKeyring", "linux": "keyring.backends.SecretService.Keyring",
           "darwin": "keyring.backends.macOS.Keyring"}


class KeyringUnavailable(HospitalClientError):
    """No usable keyring backend on this machine (e.g. a headless Linux without a Secret Service)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This machine has no usable system keyring; call IT.")


def _native_backend() -> KeyringBackend | None:
    """This system's own keyring, if nothing is configured that keyring would prefer (its
    environment variable, its keyringrc file, KWallet on a KDE desktop) and it works here."""
    import keyring.core

    name = _NATIVE.get(sys.platform)
    if name is None or os.environ.get("PYTHON_KEYRING_BACKEND") or keyring.core.load_config() is not None:
        return None
    if "KDE" in os.environ.get("XDG_CURRENT_DESKTOP", "").upper():
        return None
    module_name, _, class_name = name.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
        if cls.priority < 1:  # keyring's own test for a recommended backend
            return None
    except Exception:  # not viable here (priority raises): let keyring look at all of them
        return None
    backend: KeyringBackend = cls()
    return backend


def _ensure_backend() -> KeyringBackend:
    """keyring's backend, chosen the quick way on first use unless one is already set."""
    import keyring
    import keyring.core

    if getattr(keyring.core, "_keyring_backend", "unknown") is None:  # not chosen yet
        native = _native_backend()
        if native is not None:
            keyring.set_keyring(native)
    return keyring.get_keyring()


def backend_name() -> str:
    backend = _ensure_backend()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _check_backend() -> None:
    from keyring.backends import fail

    if isinstance(_ensure_backend(), fail.Keyring):
        raise KeyringUnavailable(
            "no OS keyring is available (on Linux: install and unlock a Secret Service such as gnome-keyring; "
            "see docs/operations.md)"
        )


def get_secret(name: str) -> str | None:
    """The secret stored under `name` (e.g. "site:H99010000001"), or None if there is none."""
    _check_backend()
    import keyring
    import keyring.errors

    for attempt in range(1, READ_ATTEMPTS + 1):
        try:
            return keyring.get_password(SERVICE, name)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"the OS keyring cannot be read: {exc}") from None
        except Exception as exc:
            # Secret Service finds an item by search and then reads it in a second call; under
            # load gnome-keyring now and then answers the read with "no such item" for an item
            # that is there. secretstorage raises that outside keyring's error tree.
            if type(exc).__name__ != "ItemNotFoundException":
                raise
            if attempt == READ_ATTEMPTS:
                raise KeyringUnavailable(f"the OS keyring cannot be read: {exc}") from None
    raise AssertionError("unreachable")


def set_secret(name: str, value: str) -> None:
    _check_backend()
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring cannot be written: {exc}") from None


def delete_secret(name: str) -> None:
    _check_backend()
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring cannot be written: {exc}") from None
