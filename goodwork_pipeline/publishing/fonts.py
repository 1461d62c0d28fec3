"""Fonts for WeasyPrint: only the ones the templates ship, never the machine's.

WeasyPrint's own ``FontConfiguration`` starts from the system's fontconfig setup and adds the
``@font-face`` fonts to it, so every installed font stays a candidate: a family, weight or
character the stylesheet names resolves differently when other font packages are installed,
the text gets other widths, and line breaks and hyphenation move (a golden PDF once broke
"Auto-nomie" on one machine and "Autono-mie" on another). ``ShippedFonts`` gives WeasyPrint
an empty fontconfig configuration that holds only the files in ``templates/fonts``: the
``@font-face`` rules add the same files under their CSS names, a generic family ("serif")
resolves among them, and a character none of them has shows as missing, never in a font
that happens to be installed.

Hyphenation comes from pyphen's own dictionaries (shipped in the pip package, pinned in
pyproject.toml); pyphen never reads the system's hyphenation patterns.
"""

from __future__ import annotations

import ctypes.util
import threading
from pathlib import Path
from typing import Any

from goodwork_pipeline.errors import TemplateError

FONT_SUFFIXES = (".otf", ".ttf")

_C_DECLARATIONS = """
    typedef struct _FcConfig FcConfig;
    typedef unsigned char FcChar8;
    typedef int FcBool;
    FcConfig * FcConfigCreate (void);
    FcBool FcConfigAppFontAddFile (FcConfig *config, const FcChar8 *file);
"""
# Rendering settings fixed here instead of taken from the system's conf.d (hinting changes
# glyph advances, so line breaks): outlines as designed, for print.
_RENDERING = b"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <match target="pattern">
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
  </match>
</fontconfig>
"""
_lock = threading.Lock()
_library: list[Any] = []


def _fontconfig() -> tuple[Any, Any]:
    """cffi handle on the fontconfig library WeasyPrint already loaded (same process state)."""
    import cffi

    with _lock:
        if not _library:
            ffi = cffi.FFI()
            ffi.cdef(_C_DECLARATIONS)
            name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
            _library.extend([ffi, ffi.dlopen(name)])
    return _library[0], _library[1]


def shipped_fonts(fonts_dir: Path) -> list[Path]:
    fonts = sorted(p for p in fonts_dir.glob("*") if p.suffix.lower() in FONT_SUFFIXES)
    if not fonts:
        raise TemplateError(
            f"No fonts in {fonts_dir}: the templates ship their fonts there (.otf or .ttf). "
            "Restore the folder from the bundled templates."
        )
    return fonts


def font_configuration(fonts_dir: Path) -> Any:
    """A WeasyPrint ``FontConfiguration`` that knows only the fonts in ``fonts_dir``."""
    from weasyprint.text.fonts import FontConfiguration

    class ShippedFonts(FontConfiguration):
        def __init__(self, fonts: list[Path]):
            from weasyprint.text import ffi as weasy

            ffi, fontconfig = _fontconfig()
            config = fontconfig.FcConfigCreate()
            if config == ffi.NULL:
                raise TemplateError("fontconfig could not create a font configuration")
            self._config = weasy.ffi.cast("FcConfig *", int(ffi.cast("uintptr_t", config)))
            weasy.fontconfig.FcConfigParseAndLoadFromMemory(self._config, _RENDERING, True)
            for font in fonts:
                if not fontconfig.FcConfigAppFontAddFile(config, str(font).encode()):
                    raise TemplateError(f"{font} is not a font fontconfig can read; restore it.")
            self.font_map = weasy.ffi.gc(
                weasy.pangoft2.pango_ft2_font_map_new(), weasy.gobject.g_object_unref
            )
            weasy.pangoft2.pango_fc_font_map_set_config(
                weasy.ffi.cast("PangoFcFontMap *", self.font_map), self._config
            )
            # The font map keeps its own reference to the configuration.
            weasy.fontconfig.FcConfigDestroy(self._config)
            self._folder = None
            self.strut_layouts: dict = {}
            self.font_features: dict = {}

    return ShippedFonts(shipped_fonts(fonts_dir))


def fonts_dir_of(templates_dir: Path) -> Path:
    """``templates/fonts`` of the templates in use, else the bundled one."""
    from goodwork_pipeline.settings import bundled_templates_dir

    own = templates_dir / "fonts"
    return own if own.is_dir() else bundled_templates_dir() / "fonts"
