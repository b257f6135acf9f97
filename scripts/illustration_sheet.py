"""Draw docs/screenshots/illustrations.png: every catalogue exercise's still start and end positions, named.

Run after changing poses or the renderer: .venv/bin/python scripts/illustration_sheet.py
(Debian's chromium draws the page: `bash scripts/ensure-chromium.sh` installs it.)
"""

from __future__ import annotations

import html
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercises.catalogue_file import load_catalogue_file  # noqa: E402
from exercises.illustrations.svg import render  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "illustrations.png"
COLUMNS = 4
STYLE = (
    "body{margin:12px;font:13px/1.3 system-ui,sans-serif;color:#222}"
    f".sheet{{display:grid;grid-template-columns:repeat({COLUMNS},1fr);gap:10px}}"
    ".cell{border:1px solid #ddd;border-radius:6px;padding:6px}.cell b{display:block;margin-bottom:4px}"
    ".frames{display:flex;gap:4px}.frames svg{width:150px;height:112px}.frames figure{margin:0;text-align:center}"
    "figcaption{color:#666;font-size:11px}"
)


def sheet_html() -> str:
    cells = []
    for spec in load_catalogue_file().exercises:
        if spec.illustration is None:
            continue
        frames = "".join(
            f"<figure>{render(spec.illustration, spec.slug, frame=name)}<figcaption>{name}</figcaption></figure>"
            for name in ("start", "end")
        )
        cells.append(f'<div class="cell"><b>{html.escape(spec.name)}</b><div class="frames">{frames}</div></div>')
    return f"<!doctype html><meta charset=utf-8><style>{STYLE}</style><div class=sheet>{''.join(cells)}</div>"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as directory:
        page_file = Path(directory) / "sheet.html"
        page_file.write_text(sheet_html(), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1320, "height": 800})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(OUT), full_page=True)
            browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
