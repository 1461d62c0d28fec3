"""Run the real ``goodwork`` CLI with one fault injected at a seam (test-only; no hooks in code).

    python tests/fault_runner.py FAULT -- goodwork-arguments...

FAULT is JSON: ``{"seam": "...", "match": "...", "nth": N, "mode": "before|after|mid",
"error": "kill|enospc"}``. On the N-th call of the seam whose first path argument contains
``match``, the process kills itself with SIGKILL (``error: kill``; like a power cut or
``kill -9``) or the call raises ``OSError(ENOSPC)`` (``error: enospc``; a full disk):

- ``before``: before the seam does anything;
- ``after``: after it finished (its result on disk, the caller not told);
- ``mid`` (write seams only): half the data is in a temporary file beside the target, as a
  write that was cut off leaves it.

Seams: ``atomic_write_bytes``, ``atomic_copy``, ``replace_dir`` (goodwork_pipeline.files,
patched in every module that imported them), ``run_chunk`` (one transcription chunk),
``plan`` (cutting the recording into chunks), ``render`` (the publish renderer's PDF).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import tempfile
from pathlib import Path


def _strike(fault: dict) -> None:
    if fault.get("error", "kill") == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def install(fault: dict) -> None:
    import flows.cli
    import flows.process_inbox  # noqa: F401  (with flows.cli: every engine module a run uses)
    from goodwork_pipeline import files
    from goodwork_pipeline.files import temp_prefix
    from goodwork_pipeline.publishing import render as render_module
    from goodwork_pipeline.transcription import stage as transcription

    calls = {"n": 0}
    match = fault.get("match", "")
    mode = fault.get("mode", "before")

    def hit(path: object) -> bool:
        if match and match not in str(path):
            return False
        calls["n"] += 1
        return calls["n"] == fault["nth"]

    def wrap_write(original, data_of, target_index):
        def wrapper(*args, **kwargs):
            target = Path(args[target_index])
            if not hit(target):
                return original(*args, **kwargs)
            if mode == "before":
                _strike(fault)
            if mode == "mid":
                data = data_of(*args)
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, _name = tempfile.mkstemp(prefix=temp_prefix(), dir=target.parent)
                os.write(fd, data[: len(data) // 2])
                os.close(fd)
                _strike(fault)
            result = original(*args, **kwargs)
            _strike(fault)
            return result

        return wrapper

    def wrap_call(original):
        def wrapper(*args, **kwargs):
            if not hit(""):
                return original(*args, **kwargs)
            if mode == "before":
                _strike(fault)
            result = original(*args, **kwargs)
            _strike(fault)
            return result

        return wrapper

    seam = fault["seam"]
    if seam in ("atomic_write_bytes", "atomic_copy"):
        original = getattr(files, seam)
        if seam == "atomic_write_bytes":
            replacement = wrap_write(original, lambda path, data: data, 0)
        else:
            replacement = wrap_write(original, lambda source, target, *rest: source.read_bytes(), 1)
        for name, module in list(sys.modules.items()):
            if (name.startswith("goodwork_pipeline") or name.startswith("flows")) and getattr(
                module, seam, None
            ) is original:
                setattr(module, seam, replacement)
    elif seam == "replace_dir":
        original = files.replace_dir

        def replace_dir(target: Path, staged: Path) -> None:
            if hit(target) and mode == "mid":  # the old folder moved aside, the new not yet in
                if target.exists():
                    os.replace(target, target.parent / f"{temp_prefix()}old-{target.name}")
                _strike(fault)
            return original(target, staged)

        for module in list(sys.modules.values()):
            if getattr(module, "replace_dir", None) is original:
                module.replace_dir = replace_dir
    elif seam == "run_chunk":
        cls = transcription.Transcription
        cls.run_chunk = wrap_call(cls.run_chunk)
    elif seam == "plan":
        cls = transcription.Transcription
        cls.plan = wrap_call(cls.plan)
    elif seam == "render":
        cls = render_module.Renderer
        cls.pdf = wrap_call(cls.pdf)
    else:
        raise SystemExit(f"unknown seam {seam}")


def main() -> None:
    fault = json.loads(sys.argv[1])
    assert sys.argv[2] == "--"
    install(fault)
    from flows.cli import cli

    cli.main(args=sys.argv[3:], prog_name="goodwork")


if __name__ == "__main__":
    main()
