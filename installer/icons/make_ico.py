"""Makes installer/icons/hospital-client.ico (committed, generated) from hospital-client.svg.

    python installer/icons/make_ico.py            # rewrite the .ico from the SVG
    python installer/icons/make_ico.py --check    # exit 1 if the committed .ico is missing or stale

The .ico is what Windows shows for the program (the exes built by hospital-client.spec), the
installer and uninstaller (hospital-client.nsi: MUI_ICON/MUI_UNICON), the Start menu entries and
Add/Remove Programs (DisplayIcon). It holds 16, 24, 32, 48, 64, 128 and 256 pixel images, 32-bit
with alpha: the sizes below 256 as uncompressed DIBs (readable by every Windows version, by NSIS's
icon replacement and by resource editors), 256 as PNG (the usual form; an uncompressed 256 would
be 256 KB on its own).

Rendering uses PySide6's QtSvg (a dependency of the app already, no extra package) on the
offscreen platform. The SVG has a text glyph (¥), so the pixels depend a little on the fonts of
the machine: --check compares the images with a tolerance rather than byte for byte.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "hospital-client.svg"
ICO = HERE / "hospital-client.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_FROM = 256  # sizes >= this are stored as PNG
# --check: mean absolute difference per channel (0..255) allowed between the committed and a
# fresh rendering (font hinting differences on the ¥ glyph), per size.
TOLERANCE = 6.0


def _app():  # type: ignore[no-untyped-def]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([sys.argv[0]])


def render(size: int, svg: Path = SVG):  # type: ignore[no-untyped-def]
    """The SVG rendered to a size x size ARGB32 (not premultiplied) QImage."""
    _app()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_ico: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _png(image) -> bytes:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise SystemExit("make_ico: PNG encoding failed")
    buf.close()
    return bytes(data.data())


def _bgra_rows(image) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Rows top to bottom, 4 bytes per pixel in B, G, R, A order (a DIB's 32-bit layout)."""
    w = image.width()
    rows = []
    for y in range(image.height()):
        row = bytearray()
        for x in range(w):
            p = image.pixel(x, y)  # 0xAARRGGBB, not premultiplied (Format_ARGB32)
            row += struct.pack("<I", p)  # little endian: BB GG RR AA
        rows.append(bytes(row))
    return rows


def _dib(image) -> bytes:  # type: ignore[no-untyped-def]
    """A 32-bit icon DIB: BITMAPINFOHEADER (height doubled for the AND mask), the pixels bottom-up,
    then the 1-bit AND mask (rows padded to 32 bits; set where fully transparent)."""
    w, h = image.width(), image.height()
    rows = _bgra_rows(image)
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, 0, 0, 0, 0, 0)
    xor = b"".join(reversed(rows))
    stride = ((w + 31) // 32) * 4
    mask = bytearray()
    for row in reversed(rows):
        bits = bytearray(stride)
        for x in range(w):
            if row[4 * x + 3] == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bits
    return header + xor + bytes(mask)


def ico_bytes(svg: Path = SVG, sizes: tuple[int, ...] = SIZES) -> bytes:
    images = []
    for size in sizes:
        image = render(size, svg)
        images.append((size, _png(image) if size >= PNG_FROM else _dib(image)))
    out = bytearray(struct.pack("<HHH", 0, 1, len(images)))
    offset = 6 + 16 * len(images)
    for size, data in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    for _, data in images:
        out += data
    return bytes(out)


def read_ico(path: Path) -> dict[int, object]:
    """The images of an .ico by size, decoded by Qt's own ICO reader (an independent check of the
    file's structure): {size: QImage (ARGB32)}."""
    _app()
    from PySide6.QtGui import QImage, QImageReader

    reader = QImageReader(str(path), b"ico")
    found: dict[int, object] = {}
    for i in range(reader.imageCount()):
        if not reader.jumpToImage(i):
            break
        image = reader.read()
        if image.isNull():
            raise ValueError(f"{path}: image {i} does not decode: {reader.errorString()}")
        if image.width() != image.height():
            raise ValueError(f"{path}: image {i} is {image.width()}x{image.height()}")
        found[image.width()] = image.convertToFormat(QImage.Format.Format_ARGB32)
    return found


def _mean_diff(a, b) -> float:  # type: ignore[no-untyped-def]
    total = 0
    w, h = a.width(), a.height()
    for y in range(h):
        for x in range(w):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            for shift in (0, 8, 16, 24):
                total += abs(((pa >> shift) & 0xFF) - ((pb >> shift) & 0xFF))
    return total / (w * h * 4)


def stale(path: Path = ICO, svg: Path = SVG) -> list[str]:
    """What is wrong with the committed .ico compared with a fresh rendering of the SVG ([] = ok)."""
    if not path.exists():
        return [f"{path} is missing"]
    try:
        images = read_ico(path)
    except ValueError as exc:
        return [str(exc)]
    problems = []
    if sorted(images) != sorted(SIZES):
        problems.append(f"{path}: sizes {sorted(images)}, expected {list(SIZES)}")
    for size in SIZES:
        if size in images:
            diff = _mean_diff(images[size], render(size, svg))
            if diff > TOLERANCE:
                problems.append(f"{path}: the {size}px image differs from the SVG (mean {diff:.1f}/255)")
    return problems


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        problems = stale()
        for p in problems:
            print(f"make_ico: {p}", file=sys.stderr)
        if problems:
            print("make_ico: run `python installer/icons/make_ico.py` and commit the .ico", file=sys.stderr)
        return 1 if problems else 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    data = ico_bytes()
    ICO.write_bytes(data)
    print(f"make_ico: wrote {ICO} ({len(data)} bytes, sizes {', '.join(map(str, SIZES))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
