"""Writing a statement's files (--xlsx, --pdf): all of them or none, each readable by its owner only.

Every target is checked before anything is written (an existing file is kept unless --force, the
folder must be one the program can write in); each file is written to a temporary file created 0600
in its target's folder and renamed onto the target only when every file has been written, so a
failure leaves no file behind, half-written or not, and never a readable one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .common import FundInputError

Writer = Callable[[Path], object]  # writes the whole file at the path it is given


def _check(option: str, target: Path, force: bool) -> None:
    if target.is_dir():
        raise FundInputError(f"{option} {target}：这是一个文件夹，请给出文件名")
    if target.exists() and not force:
        raise FundInputError(f"{option} {target}：文件已存在，未覆盖；请换一个文件名，或加 --force 覆盖")
    folder = target.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise FundInputError(f"{option} {target}：无法写入文件夹 {existing or folder}（不存在或没有写权限）")


def write_all(outputs: Sequence[tuple[str, Path, Writer]], *, force: bool = False) -> list[str]:
    """Write each (option, target, writer); the targets written, in order. FundInputError naming
    the option and the file when a target cannot be written; then nothing is left behind."""
    for option, target, _ in outputs:
        _check(option, target, force)
    done: list[tuple[Path, Path]] = []
    try:
        for option, target, writer in outputs:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(prefix=f".{target.stem[:40]}-", suffix=target.suffix + ".part",
                                            dir=target.parent)
                os.close(fd)
            except OSError as exc:
                raise FundInputError(f"{option} {target}：无法写入（{exc.strerror or exc}）") from None
            tmp = Path(name)
            done.append((tmp, target))
            try:
                writer(tmp)
            except OSError as exc:
                raise FundInputError(f"{option} {target}：写入失败（{exc.strerror or exc}）") from None
            if not tmp.is_file() or tmp.stat().st_size == 0:
                raise FundInputError(f"{option} {target}：写入失败（未写出任何内容）")
            os.chmod(tmp, 0o600)  # a writer that re-created the file keeps it private
        for tmp, target in done:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in done:
            tmp.unlink(missing_ok=True)
        raise
    return [str(target) for _, target, _ in outputs]
