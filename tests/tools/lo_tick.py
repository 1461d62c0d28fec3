"""Tick checkboxes in a .docx with LibreOffice itself (UNO), as a participant would, and save.

Run with the system Python that has LibreOffice's ``uno`` module (Debian: python3-uno):

    /usr/bin/python3 tests/tools/lo_tick.py IN.docx OUT.docx PROFILE_DIR "label" ["label"...]

Each box whose paragraph ends with one of the labels is ticked through LibreOffice's
content-control API; the document is saved as .docx by LibreOffice's Word filter.
"""

import contextlib
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def main():
    source, target, profile, *labels = sys.argv[1:]
    pipe = f"goodwork{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={uno.systemPathToFileUrl(os.path.abspath(profile))}",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        context = None
        for _ in range(200):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.3)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        url = uno.systemPathToFileUrl(os.path.abspath(source))
        document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        ticked = []
        paragraphs = document.Text.createEnumeration()
        while paragraphs.hasMoreElements():
            paragraph = paragraphs.nextElement()
            if not paragraph.supportsService("com.sun.star.text.Paragraph"):
                continue
            text = paragraph.getString().strip()
            portions = paragraph.createEnumeration()
            while portions.hasMoreElements():
                portion = portions.nextElement()
                if portion.TextPortionType != "ContentControl":
                    continue
                control = portion.ContentControl
                if control.Checkbox and any(text.endswith(label) for label in labels):
                    control.Checked = True
                    ticked.append(text)
        document.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(target)),
            (prop("FilterName", "MS Word 2007 XML"),),
        )
        document.close(True)
        print(len(ticked))
    finally:
        if desktop is not None:
            with contextlib.suppress(Exception):
                desktop.terminate()
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
