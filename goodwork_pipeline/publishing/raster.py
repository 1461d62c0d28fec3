"""PDF pages as PNG images, with pypdfium2 (WeasyPrint writes no PNG)."""

from __future__ import annotations

import io


def first_page_png(pdf: bytes, width: int, height: int | None = None) -> bytes:
    """Page 1 of a PDF as a PNG ``width`` pixels wide (a thumbnail for links and overviews);
    with ``height``, exactly ``width`` x ``height`` pixels (a quote card)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()
    if height is not None and image.size != (width, height):
        image = image.resize((width, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
