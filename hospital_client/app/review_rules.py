"""Review-rule libraries (审核规则) as the faces use them: `review check FILE` and `review list`.

The bundled libraries live in resources/review/ (docs/review-rules.md); the audit itself is
``rules.review.audit``. A desk audits with the library of the person's region it pulled from the
central system (9504, cached in store/review_libraries.py) in preference to the bundled one
(``desk_review_library``); the settle result's ``review`` {id, version, sha256} says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import paths
from ..rules import review
from ..store import LocalDatabase
from ..store import review_libraries as review_cache
from .input_files import read_input_file

__all__ = ["MAX_REVIEW_BYTES", "bundled_review_libraries", "check_review_library", "desk_review_library",
           "review_dir", "review_library_for", "review_summary"]

MAX_REVIEW_BYTES = 16 << 20


def review_dir() -> Path:
    """Where the bundled review-rule libraries are."""
    return paths.resources_dir() / "review"


def bundled_review_libraries() -> list[review.ReviewLibrary]:
    """Every review-rule library shipped with the program, validated, sorted by id and version."""
    return review.load_library_dir(review_dir())


_BUNDLED: dict[Path, list[review.ReviewLibrary]] = {}


def review_library_for(admdvs: str) -> review.ReviewLibrary | None:
    """The bundled library that covers the insured place ``admdvs``, chosen like a pack by region
    (the highest version); None when none does. The folder is read once per process."""
    folder = review_dir()
    if folder not in _BUNDLED:
        _BUNDLED[folder] = bundled_review_libraries() if folder.is_dir() else []
    return review.select_library(_BUNDLED[folder], admdvs)


def desk_review_library(db: LocalDatabase, admdvs: str) -> review.ReviewLibrary | None:
    """The library a desk audits with for the insured place ``admdvs``: the pulled one of that
    region (the highest version cached, hash re-verified), else the bundled one; None when none
    covers it."""
    pulled = review.select_library(review_cache.load_libraries(db), admdvs)
    return pulled if pulled is not None else review_library_for(admdvs)


def check_review_library(path: str | Path) -> review.ReviewLibrary:
    """Load and validate one library file; the error names the file, the rule and the field. A
    device, a FIFO or a file over MAX_REVIEW_BYTES is refused unread."""
    data = read_input_file(path, max_bytes=MAX_REVIEW_BYTES, what="review-rule library")
    return review.parse_library(data, Path(path).name)


def review_summary(library: review.ReviewLibrary) -> dict[str, Any]:
    """One library as `review list --json` prints it: id, version, sha256, rule count by kind."""
    return library.summary()
