"""The reliability report: bad input, faults, load, consent histories and fuzzing, in figures.

Runs the reliability tests (the same ones CI runs, with longer fuzzing and more consent
histories when asked) with ``GWTEST_RELIABILITY_LOG`` set, so that every scenario writes what
it observed (after the test checked it) as one JSON line; then turns those lines into the
tables of ``bench/RELIABILITY.md``.

    .venv/bin/python bench/reliability.py                       # CI-sized, about 20 minutes
    .venv/bin/python bench/reliability.py --fuzz-seconds 120 --histories 5000 \
        --write bench/RELIABILITY.md

A scenario whose test failed writes no line; the pytest summary at the top of the report says
how many failed, and the report says "FAILED" instead of a clean table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/test_bad_input.py",
    "tests/test_cli_bad_input.py",
    "tests/test_cli_exit_codes.py",
    "tests/test_reliability_findings.py",
    "tests/test_fuzz_findings.py",
    "tests/test_faults.py",
    "tests/test_load.py",
    "tests/test_consent_histories.py",
    "tests/test_doubtful_answers.py",
    "tests/test_own_name.py",
    "tests/test_fuzz.py",
]
START, END = "<!-- results -->", "<!-- /results -->"


def run(args: argparse.Namespace, log: Path) -> tuple[int, str]:
    env = {
        **os.environ,
        "GWTEST_RELIABILITY_LOG": str(log),
        "GWTEST_FUZZ_SECONDS": str(args.fuzz_seconds),
        "GWTEST_HISTORIES": str(args.histories),
    }
    tests = [t for t in TESTS if (ROOT / t).is_file()]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    print("running:", " ".join(command), file=sys.stderr)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    summary = [line for line in done.stdout.splitlines() if " passed" in line or " failed" in line]
    return done.returncode, (summary[-1].strip("= ") if summary else done.stdout[-500:])


def rows_of(log: Path) -> list[dict]:
    if not log.is_file():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(c).replace("|", "\\|").replace("\n", " ") for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def report(rows: list[dict], status: int, summary: str, command: str) -> str:
    kinds: dict[str, list[dict]] = {}
    for row in rows:
        kinds.setdefault(row["kind"], []).append(row)
    corpus, cli = kinds.get("corpus", []), kinds.get("cli", [])
    faults, load = kinds.get("fault", []), kinds.get("load", [])
    fuzz, histories = kinds.get("fuzz", []), kinds.get("histories", [])
    boundary = kinds.get("boundary", [])

    def total(items: list[dict], key: str) -> int:
        return sum(int(item.get(key, 0) or 0) for item in items)

    out = [
        START,
        "",
        f"Command: `{command}`",
        "",
        f"pytest: {summary}"
        + ("" if status == 0 else " -- **FAILED: the figures below are incomplete**"),
        "",
        "## Summary",
        "",
    ]
    sketch = [h for h in histories if h.get("renderer") == "sketch"]
    real = [h for h in histories if h.get("renderer") == "real"]
    out += _table(
        [
            "area",
            "cases tried",
            "outcomes",
            "files lost",
            "unconsented assets",
            "duplicates",
            "crashes / tracebacks",
        ],
        [
            [
                "bad input (files, flows)",
                len(corpus),
                ", ".join(f"{n} {o}" for o, n in Counter(r["observed"] for r in corpus).items()),
                total(corpus, "files_lost"),
                total(corpus, "unconsented_assets"),
                "-",
                sum(bool(r.get("crashed")) for r in corpus),
            ],
            [
                "bad input (CLI)",
                len(cli),
                ", ".join(
                    f"{n} exit {o}" for o, n in sorted(Counter(r["exit"] for r in cli).items())
                ),
                "-",
                "-",
                "-",
                sum(bool(r.get("traceback")) for r in cli),
            ],
            [
                "injected internal error (every command)",
                len(boundary),
                ", ".join(
                    f"{n} exit {o}" for o, n in sorted(Counter(r["exit"] for r in boundary).items())
                ),
                "-",
                "-",
                "-",
                sum(bool(r.get("traceback")) for r in boundary),
            ],
            [
                "faults (kill -9, disk full)",
                len(faults),
                ", ".join(f"{n} {o}" for o, n in Counter(r.get("outcome") for r in faults).items()),
                total(faults, "files_lost"),
                total(faults, "unconsented_assets"),
                total(faults, "duplicates"),
                "-",
            ],
            [
                "load",
                total(load, "items"),
                ", ".join(f"{r['scenario']}: {r.get('processed_once')} once" for r in load),
                total(load, "files_lost"),
                total(load, "unconsented_assets"),
                total(load, "duplicates"),
                "-",
            ],
            [
                "consent histories",
                total(sketch, "histories") + total(real, "histories"),
                f"{total(histories, 'events')} events, {total(histories, 'assets_checked')} assets "
                f"checked, {total(histories, 'anonymous_scans')} anonymity scans",
                "-",
                0 if histories else "-",  # a row is written only after every check held
                "-",
                0 if histories else "-",
            ],
            [
                "fuzzing",
                sum(int(f["runs"]) for f in fuzz),
                ", ".join(f"{f['target']}: {f['runs']} inputs" for f in fuzz),
                "-",
                "-",
                "-",
                sum(len(f["crashes"]) for f in fuzz),
            ],
        ],
    )
    out += ["", "## Bad input", ""]
    out += _table(
        ["case", "entry", "what", "expected", "observed", "message (nl)", "files kept"],
        [[r["case"], r["entry"], r["what"], r["expected"], r["observed"],
          (r.get("message_nl") or "")[:140], r.get("files_kept", "")] for r in corpus],
    )  # fmt: skip
    out += ["", "## Bad input at the command line", ""]
    out += _table(
        ["case", "what", "exit", "traceback", "output"],
        [[r["case"], r["what"], r["exit"], r["traceback"], r["output"][:160]] for r in cli],
    )
    out += ["", "## Injected internal error in every command", ""]
    out += _table(
        ["command", "exit", "lines on the terminal", "traceback", "traceback written to"],
        [[r["command"], r["exit"], r["lines"], r["traceback"], r["log"]] for r in boundary],
    )
    if faults:
        out += ["", "## Faults", ""]
        keys = sorted({k for r in faults for k in r} - {"kind"})
        out += _table(keys, [[r.get(k, "") for k in keys] for r in faults])
    if load:
        out += ["", "## Load", ""]
        keys = sorted({k for r in load for k in r} - {"kind"})
        out += _table(keys, [[r.get(k, "") for k in keys] for r in load])
    out += ["", "## Consent histories", ""]
    keys = sorted({k for r in histories for k in r} - {"kind"})
    out += _table(keys, [[r.get(k, "") for k in keys] for r in histories])
    doubtful, name_forms = kinds.get("doubtful", []), kinds.get("name-forms", [])
    if doubtful:
        out += ["", "## Answers that may only shrink consent", ""]
        keys = [k for k in doubtful[0] if k != "kind"]
        out += _table(keys, [[r.get(k, "") for k in keys] for r in doubtful])
    if name_forms:
        out += ["", "## Forms of the participant's name", ""]
        keys = sorted({k for r in name_forms for k in r} - {"kind"})
        out += _table(keys, [[r.get(k, "") for k in keys] for r in name_forms])
    out += ["", "## Fuzzing", ""]
    out += _table(
        ["target", "inputs run", "coverage (edges)", "crashes"],
        [[f["target"], f["runs"], f["coverage"], len(f["crashes"])] for f in fuzz],
    )
    out += ["", END]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz-seconds", type=int, default=25, help="per fuzz target")
    parser.add_argument("--histories", type=int, default=1500, help="fast consent histories")
    parser.add_argument("--write", type=Path, help="rewrite the results block of this file")
    args = parser.parse_args()
    command = f".venv/bin/python bench/reliability.py --fuzz-seconds {args.fuzz_seconds} " + (
        f"--histories {args.histories}"
    )
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "reliability.jsonl"
        status, summary = run(args, log)
        text = report(rows_of(log), status, summary, command)
    if args.write:
        current = args.write.read_text(encoding="utf-8") if args.write.is_file() else ""
        if START in current and END in current:
            before, rest = current.split(START, 1)
            text = before + text + rest.split(END, 1)[1].lstrip("\n")
        else:
            text = current + ("\n" if current else "") + text
        args.write.write_text(text, encoding="utf-8")
    else:
        print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
