"""Coverage-guided fuzzing (atheris/libFuzzer) of the two parsers that read staff input.

Run by tests/test_fuzz.py with a fixed number of runs and a time cap; by hand:

    .venv/bin/python tests/fuzz/fuzz_targets.py TARGET BEELD_JSON SENT_DOCX \\
        -- -runs=20000 -max_total_time=60 CORPUS_DIR

Targets (all end in the same checks: the reader, ``interpret`` and ``decide`` for documents,
``parse_sidecar`` for sidecars; the only exceptions allowed are our own ``GoodworkError``s):

- ``docx``: the fuzz input is the whole returned file (zip container, members, XML);
- ``document-xml``: the fuzz input replaces ``word/document.xml`` inside a real draft, so the
  mutations reach the paragraph, checkbox, heading and consent logic instead of failing the zip
  checks; the seeds are the document.xml of real drafts, ticked in several ways;
- ``parts``: the first byte picks one of the other XML parts (custom properties, core
  properties, custom XML, footer, comments), the rest replaces it;
- ``sidecar``: the fuzz input is a ``<stem>.yaml`` file.

Any other exception is a crash: libFuzzer writes the input to ``-artifact_prefix`` and exits
non-zero with the traceback, which the test reports.

Memory: ``--rss-limit-mb N`` makes an input that pushes this process's own peak (``VmHWM``)
past N megabytes a crash. libFuzzer's ``-rss_limit_mb`` cannot do that here: it reads
``ru_maxrss``, which on Linux carries over the parent's peak through fork and exec, so under a
pytest process that has loaded Whisper it reports gigabytes before the first input.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["goodwork_pipeline", "yaml"]):
    from goodwork_pipeline.errors import GoodworkError
    from goodwork_pipeline.intake.sidecar import parse_sidecar
    from goodwork_pipeline.models import Beeld
    from goodwork_pipeline.review.decision import decide, interpret
    from goodwork_pipeline.review.returned_document import RawDocument, read_document

PARTS = (
    "docProps/custom.xml",
    "docProps/core.xml",
    "customXml/item1.xml",
    "word/footer1.xml",
    "word/comments.xml",
)


def own_peak_mb() -> float:
    """This process's own peak resident memory (VmHWM), in megabytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Harness:
    def __init__(self, target: str, beeld_json: Path, sent_docx: Path, rss_limit_mb: float = 0):
        self.target = target
        self.rss_limit_mb = rss_limit_mb
        self.folder = Path(tempfile.mkdtemp(prefix="goodwork-fuzz-"))
        self.beeld = Beeld.from_json(json.loads(beeld_json.read_text(encoding="utf-8")))
        self.sent: RawDocument = read_document(sent_docx)
        with zipfile.ZipFile(sent_docx) as archive:
            self.parts = {info.filename: archive.read(info) for info in archive.infolist()}

    def __call__(self, data: bytes) -> None:
        self.run(data)
        if self.rss_limit_mb and (peak := own_peak_mb()) > self.rss_limit_mb:
            raise MemoryError(f"this input took the peak memory to {peak:.0f} MB")

    def run(self, data: bytes) -> None:
        if self.target == "sidecar":
            self.sidecar(data)
        elif self.target == "docx":
            self.document(data)
        elif self.target == "document-xml":
            self.document(self.rezip({"word/document.xml": data}))
        elif self.target == "parts":
            if not data:
                return
            self.document(self.rezip({PARTS[data[0] % len(PARTS)]: data[1:]}))
        else:
            raise SystemExit(f"unknown target {self.target}")

    def rezip(self, replaced: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in {**self.parts, **replaced}.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def document(self, data: bytes) -> None:
        path = self.folder / "teruggestuurd.docx"
        path.write_bytes(data)
        try:
            raw = read_document(path)
            returned = interpret(raw, self.beeld, self.sent)
            if returned is not None:
                decision = decide(returned, current_version=1, file_name=path.name)
                assert decision.message and decision.message_nl
                # what the pipeline records must be serialisable (it goes into the store)
                json.dumps([decision.message, decision.message_nl, returned.beeld.to_json()])
        except GoodworkError as error:
            assert str(error) and error.nl, "an error without a message"

    def sidecar(self, data: bytes) -> None:
        try:
            parsed = parse_sidecar(data, Path("gesprek.yaml"))
            json.dumps(parsed.to_json())
        except GoodworkError as error:
            assert str(error) and error.nl and "gesprek.yaml" in str(error)


def main() -> None:
    separator = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
    target, beeld_json, sent_docx = sys.argv[1:4]
    options = sys.argv[4:separator]
    limit = (
        float(options[options.index("--rss-limit-mb") + 1]) if "--rss-limit-mb" in options else 0
    )
    libfuzzer_args = [sys.argv[0], *sys.argv[separator + 1 :]]
    harness = Harness(target, Path(beeld_json), Path(sent_docx), limit)
    atheris.Setup(libfuzzer_args, harness)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
