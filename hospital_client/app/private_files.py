"""Files with patient data written readable by this user only, from the first byte.

The 结算单 and 日结单 PDFs and the Excel exports name patients. Each is written to a temporary
file created 0600 in the target's folder (``tempfile.mkstemp``: O_EXCL, mode 0600 whatever the
umask), then renamed onto the target: there is no moment at which the file, or a half-written
one, can be read by another user, and a failed write leaves the old target as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["PRIVATE_MODE", "private_output"]

PRIVATE_MODE = 0o600


@contextlib.contextmanager
def private_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path (an empty file, 0600) next to ``path``; write it, and on leaving the
    block it replaces ``path`` (still 0600). On an error the temporary file is removed."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem[:40]}-", suffix=target.suffix + ".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise OSError(f"nothing was written to {target}")
        os.chmod(tmp, PRIVATE_MODE)  # a writer that re-created the file keeps it private
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
