"""PDFs as participants return them: a draft saved as PDF, a scan, a PDF of something else.

``draft_as_pdf`` has LibreOffice convert the draft itself (as "save as PDF" would);
``text_pdf`` and ``scan_pdf`` are made with WeasyPrint: a text layer with what is given, or
only an image (a page scanned without text recognition: no text at all).
"""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

from helpers import require_tool


def draft_as_pdf(docx: Path, folder: Path) -> Path:
    """The draft converted by LibreOffice (headless, with a profile of its own)."""
    require_tool("soffice")
    profile = (folder / "lo-profile").as_uri()
    out = folder / "pdf"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=240, env={"HOME": str(folder), "PATH": _path()},
    )  # fmt: skip
    return out / f"{docx.stem}.pdf"


def text_pdf(path: Path, *paragraphs: str, keywords: str | None = None) -> Path:
    from html import escape

    from weasyprint import HTML

    meta = f'<meta name="keywords" content="{escape(keywords)}">' if keywords else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    HTML(string=f"<html><head>{meta}</head><body>{body}</body></html>").write_pdf(path)
    return path


def scan_pdf(path: Path) -> Path:
    """One page that is only a picture of a page: lines like text, and a ticked box."""
    from PIL import Image, ImageDraw
    from weasyprint import HTML

    image = Image.new("L", (595, 842), 245)
    draw = ImageDraw.Draw(image)
    for top in range(80, 700, 28):
        draw.rectangle((60, top, 60 + (top * 7) % 420 + 60, top + 9), fill=60)
    draw.rectangle((60, 720, 80, 740), outline=0, width=2)
    draw.line((62, 722, 78, 738), fill=0, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode()
    HTML(
        string=f'<html><body style="margin:0"><img style="width:100%" '
        f'src="data:image/png;base64,{data}"></body></html>'
    ).write_pdf(path)
    return path


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")
