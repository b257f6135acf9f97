"""Draw RehabPlan's app icons: a white running figure on the brand teal, as 192 and 512 px PNGs.

Run `python scripts/make_icons.py` to redraw `programs/static/icons/`. Pure standard library (no imaging
package), so the icons come out the same anywhere. The figure keeps inside the central 80% circle that
maskable icons may be cropped to, so one file serves as both "any" and "maskable".
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

TEAL = (0x0B, 0x55, 0x63)
WHITE = (0xFF, 0xFF, 0xFF)
ICONS = Path(__file__).resolve().parent.parent / "programs" / "static" / "icons"

# The figure on a 100×100 grid: a head and thick limbs (capsules), leaning into the stride.
HEAD = ((58.0, 24.0), 7.5)
LIMB_WIDTH = 4.6
LIMBS = (
    ((55.0, 34.0), (47.0, 55.0)),  # trunk
    ((54.0, 37.0), (65.0, 46.0)),  # front upper arm
    ((65.0, 46.0), (72.0, 39.0)),  # front forearm
    ((53.0, 37.0), (42.0, 41.0)),  # back upper arm
    ((42.0, 41.0), (36.0, 50.0)),  # back forearm
    ((47.0, 55.0), (60.0, 64.0)),  # front thigh
    ((60.0, 64.0), (57.0, 77.0)),  # front shin
    ((47.0, 55.0), (38.0, 66.0)),  # back thigh
    ((38.0, 66.0), (26.0, 64.0)),  # back shin
)


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def figure_coverage(x: float, y: float, pixel: float) -> float:
    """How much of the pixel centred at (x, y) on the 100-grid the figure covers, 0..1 (a one-pixel soft edge)."""
    (hx, hy), radius = HEAD
    distance = math.hypot(x - hx, y - hy) - radius
    for a, b in LIMBS:
        distance = min(distance, _segment_distance(x, y, a, b) - LIMB_WIDTH)
    return max(0.0, min(1.0, 0.5 - distance / pixel))


def icon_pixels(size: int) -> list[bytes]:
    pixel = 100.0 / size
    rows = []
    for row in range(size):
        line = bytearray([0])  # PNG filter type "none"
        y = (row + 0.5) * pixel
        for column in range(size):
            cover = figure_coverage((column + 0.5) * pixel, y, pixel)
            line += bytes(round(t + (w - t) * cover) for t, w in zip(TEAL, WHITE, strict=True))
        rows.append(bytes(line))
    return rows


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(icon_pixels(size)), 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (ICONS / f"icon-{size}.png").write_bytes(png(size))
        print(f"wrote {ICONS / f'icon-{size}.png'}")


if __name__ == "__main__":
    main()
