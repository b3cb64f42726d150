"""Reading a secret survives Secret Service's search-then-read race: gnome-keyring under load
sometimes answers the read of an item its search just found with "no such item". The race
cannot be forced on the real daemon, so a backend raises secretstorage's own exception."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from secretstorage.exceptions import ItemNotFoundException

from hospital_client import credentials


class _Racing(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, misses: int) -> None:
        super().__init__()
        self.misses = misses
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        if self.reads <= self.misses:
            raise ItemNotFoundException("Item does not exist!")
        return f"{service}/{username}"

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


@pytest.fixture
def use_backend() -> Iterator[object]:
    before = keyring.get_keyring()

    def use(backend: KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield use
    keyring.set_keyring(before)


def test_a_vanished_item_is_read_again(use_backend) -> None:  # type: ignore[no-untyped-def]
    backend = _Racing(misses=credentials.READ_ATTEMPTS - 1)
    use_backend(backend)
    assert credentials.get_secret("db:abc") == "hospital-client/db:abc"
    assert backend.reads == credentials.READ_ATTEMPTS


def test_an_item_missing_on_every_read_is_a_keyring_error(use_backend) -> None:  # type: ignore[no-untyped-def]
    backend = _Racing(misses=credentials.READ_ATTEMPTS)
    use_backend(backend)
    with pytest.raises(credentials.KeyringUnavailable, match="cannot be read"):
        credentials.get_secret("db:abc")
    assert backend.reads == credentials.READ_ATTEMPTS


def test_other_backend_faults_are_not_retried(use_backend) -> None:  # type: ignore[no-untyped-def]
    class _Broken(_Racing):
        def get_password(self, service: str, username: str) -> str | None:
            self.reads += 1
            raise RuntimeError("bus gone")

    backend = _Broken(misses=0)
    use_backend(backend)
    with pytest.raises(RuntimeError):
        credentials.get_secret("db:abc")
    assert backend.reads == 1
