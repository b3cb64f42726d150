"""The review-rule libraries (审核规则库) the central system holds and the desks download.

    9504  审核规则库下载（扩展）  review_library_download  the library list, or one library's file

The central system keeps one version per library id, as the exact bytes with their sha256
(store ``review_library``): the bundled ones (resources/review/) at `central init`, a new version
by `central review-load FILE`, validated with the same checks as `hospital-client review check`.
A desk pulls them with the packs (sync/pulls.py), checks the sha256 and validates them before use.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ..protocol import NotFound
from ..rules.review import ReviewLibrary, ReviewRuleError, load_library_dir, parse_library
from .fields import input_data, text_field
from .store import CentralStore, ReviewLibraryBlob, StoreError

if TYPE_CHECKING:  # context.py loads the libraries in force from here
    from .context import Central, Context

__all__ = ["MAX_LIBRARY_BYTES", "bundled_libraries", "libraries_in_force", "load_library_file", "put_library",
           "review_library_download"]

MAX_LIBRARY_BYTES = 16 << 20


def bundled_libraries() -> list[tuple[ReviewLibrary, bytes]]:
    """The libraries shipped in resources/review/, validated, with their bytes."""
    folder = paths.resources_dir() / "review"
    if not folder.is_dir():
        return []
    return [(lib, (folder / lib.file).read_bytes()) for lib in load_library_dir(folder)]


def put_library(store: CentralStore, library: ReviewLibrary, data: bytes) -> None:
    """Store one validated library (replacing the version held for its id)."""
    store.put_review_library(ReviewLibraryBlob(library.id, library.version, library.sha256, library.file, data))


def load_library_file(store: CentralStore, path: Path) -> ReviewLibrary:
    """Validate a library file and store it, in one transaction. Raises ReviewRuleError naming
    the file, the rule and the field, or StoreError for an unreadable file."""
    try:
        if not path.is_file():
            raise StoreError(f"{path}: not a regular file")
        if path.stat().st_size > MAX_LIBRARY_BYTES:
            raise StoreError(f"{path}: over {MAX_LIBRARY_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    library = parse_library(data, path.name)
    with store.transaction():
        put_library(store, library, data)
    return library


def libraries_in_force(store: CentralStore) -> list[ReviewLibrary]:
    """The libraries the central system audits with: every stored one, and a bundled one only
    for an id the store does not hold (a database initialised before libraries were stored)."""
    stored: list[ReviewLibrary] = []
    for blob in store.list_review_libraries():
        try:
            stored.append(parse_library(blob.data, blob.source_name))
        except ReviewRuleError as exc:  # pragma: no cover - validated when stored
            raise StoreError(f"stored review-rule library {blob.id} is not valid: {exc}") from None
    held = {lib.id for lib in stored}
    return stored + [lib for lib, _ in bundled_libraries() if lib.id not in held]


def review_library_download(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_, required=False)
    wanted = text_field(data, "id")
    blobs = central.store.list_review_libraries()
    if not wanted:
        listing = []
        for blob in blobs:
            library = parse_library(blob.data, blob.source_name)
            listing.append({"id": blob.id, "version": blob.version, "sha256": blob.sha256,
                            "source_name": blob.source_name, "name": library.name,
                            "regions": list(library.regions), "rules": len(library.rules), "size": len(blob.data)})
        return {"libraries": listing}
    for blob in blobs:
        if blob.id == wanted:
            return {"id": blob.id, "version": blob.version, "sha256": blob.sha256,
                    "source_name": blob.source_name, "size": len(blob.data),
                    "bytes_base64": base64.b64encode(blob.data).decode("ascii")}
    raise NotFound(f"中心系统没有审核规则库 {wanted}")
