"""Play the participant in real LibreOffice, through Python-UNO (run with /usr/bin/python3).

python3-uno belongs to Debian's Python, not the project's virtual environment, so the test
runs this file as a subprocess:

    /usr/bin/python3 tests/lo_participant.py SPEC.json

SPEC: {"input": path, "output": path, "via_odt": bool, "tick": [labels], "replace":
[[old, new]], "comment": [anchor, text], "profile": folder}. It starts its own headless
soffice (own user profile, own pipe), opens the draft, ticks the boxes by clicking their
content controls' state, turns on track changes and edits the text, adds a comment, and saves
as .docx (through .odt and back when via_odt). soffice is always ended, also on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

CHECKED, UNCHECKED = "☒", "☐"


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def start_office(profile: Path) -> tuple[subprocess.Popen, object]:
    pipe = f"goodwork-{uuid.uuid4().hex[:12]}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if office.poll() is not None or time.monotonic() > deadline:
                stop_office(office)
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.3)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    return office, desktop


def stop_office(office: subprocess.Popen, desktop: object | None = None) -> None:
    if desktop is not None:
        with contextlib.suppress(Exception):
            desktop.terminate()
    try:
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(office.pid, signal.SIGKILL)
        office.wait(timeout=10)


def load(desktop: object, path: Path) -> object:
    return desktop.loadComponentFromURL(
        path.resolve().as_uri(), "_blank", 0, (prop("Hidden", True),)
    )


def paragraphs(document: object):
    enumeration = document.Text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def tick(document: object, labels: list[str]) -> list[str]:
    """Tick the checkbox content control in front of each label, as a click would."""
    done = []
    for paragraph in paragraphs(document):
        label = paragraph.getString().lstrip(CHECKED + UNCHECKED + " ").strip()
        if label not in labels:
            continue
        portions = paragraph.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.TextPortionType != "ContentControl":
                continue
            control = portion.ContentControl
            if not control.Checkbox:
                continue
            control.Checked = True
            cursor = control.createTextCursor()
            cursor.gotoStart(False)
            cursor.gotoEnd(True)
            cursor.setString(CHECKED)
            done.append(label)
            break
    return done


def replace(document: object, old: str, new: str) -> None:
    search = document.createSearchDescriptor()
    search.SearchString = old
    found = document.findFirst(search)
    if found is None:
        raise KeyError(old)
    found.setString(new)


def comment(document: object, anchor: str, text: str) -> None:
    search = document.createSearchDescriptor()
    search.SearchString = anchor
    found = document.findFirst(search)
    if found is None:
        raise KeyError(anchor)
    annotation = document.createInstance("com.sun.star.text.textfield.Annotation")
    annotation.Author = "Anna de Vries"
    annotation.Content = text
    document.Text.insertTextContent(found, annotation, True)


def save(document: object, path: Path, filter_name: str) -> None:
    document.storeToURL(path.resolve().as_uri(), (prop("FilterName", filter_name),))


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    office, desktop = start_office(Path(spec["profile"]))
    try:
        document = load(desktop, Path(spec["input"]))
        ticked = tick(document, spec.get("tick", []))
        document.RecordChanges = True  # Edit > Track Changes > Record
        for old, new in spec.get("replace", []):
            replace(document, old, new)
        if spec.get("comment"):
            comment(document, *spec["comment"])
        output = Path(spec["output"])
        if spec.get("via_odt"):
            odt = output.with_suffix(".odt")
            save(document, odt, "writer8")
            document.close(True)
            document = load(desktop, odt)
        save(document, output, "MS Word 2007 XML")
        document.close(True)
        print(json.dumps({"ticked": ticked, "output": str(output)}))
        return 0
    finally:
        stop_office(office, desktop)


if __name__ == "__main__":
    sys.exit(main())
