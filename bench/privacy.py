"""Recall and precision of third-party name detection on labelled beeld-style sentences.

    .venv/bin/python bench/privacy.py [--cache DIR] [--show]

Reads ``tests/data/third_parties/sentences.txt`` (its README has the format and the fixed
tune/test split), runs the detector the pipeline uses on every sentence, and reports per
split: recall per kind (a labelled name is found when a detected span covers every one of
its name words), false alarms (detected spans that cover no labelled name) per sentence and
per beeld (33 sentences: a 500-word beeld of about 15 words a sentence).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from goodwork_pipeline.privacy.name_cues import KINDS  # noqa: E402
from goodwork_pipeline.privacy.third_parties import NameFinder, deduce_cache_dir  # noqa: E402
from goodwork_pipeline.settings import load_settings  # noqa: E402

DATA = ROOT / "tests" / "data" / "third_parties" / "sentences.txt"
MARK = re.compile(r"\{([^{}|]+)\|(\w+)\}")
SENTENCES_PER_BEELD = 33


def labelled() -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """(split, plain sentence, [(start, end, kind)]) in file order."""
    result = []
    number = 0
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number += 1
        plain, spans, cursor = "", [], 0
        for match in MARK.finditer(line):
            plain += line[cursor : match.start()]
            spans.append((len(plain), len(plain) + len(match.group(1)), match.group(2)))
            plain += match.group(1)
            cursor = match.end()
        plain += line[cursor:]
        result.append(("test" if number % 4 == 0 else "tune", plain, spans))
    return result


def name_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end())
        for m in re.finditer(r"\w[\w'-]*", text[start:end])
        if m.group()[0].isupper()
    ]


def measure(finder: NameFinder, show: bool) -> dict[str, dict[str, object]]:
    report: dict[str, dict[str, object]] = {}
    for split, text, gold in labelled():
        row = report.setdefault(
            split, {"sentences": 0, "found": Counter(), "total": Counter(), "false": 0}
        )
        row["sentences"] += 1
        detected = finder.spans(text)
        covered = [False] * len(detected)
        for start, end, kind in gold:
            row["total"][kind] += 1
            words = [(start + a, start + b) for a, b in name_words(text, start, end)]
            hits = [i for i, (ds, de, _k) in enumerate(detected) if ds < end and de > start]
            if all(
                any(detected[i][0] <= a and b <= detected[i][1] for i in hits) for a, b in words
            ):
                row["found"][kind] += 1
            elif show and split == "tune":
                print(f"MISS [{split}] {kind}: {text[start:end]!r} in {text!r} -> {detected}")
            for i in hits:
                covered[i] = True
        for i, (ds, de, kind) in enumerate(detected):
            if not covered[i]:
                row["false"] += 1
                if show and split == "tune":
                    print(f"FALSE [{split}] {kind}: {text[ds:de]!r} in {text!r}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="deduce's cache folder")
    parser.add_argument("--show", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    cache = args.cache or deduce_cache_dir(load_settings(ROOT, environ={}).model_cache_dir)
    finder = NameFinder(cache)
    started = time.perf_counter()
    finder.spans("Opwarmen.")
    loaded = time.perf_counter() - started
    report = measure(finder, args.show)
    print(f"deduce loaded in {loaded:.1f} s")
    print(
        "| split | sentences | "
        + " | ".join(f"recall {k}" for k in KINDS)
        + " | false alarms | per beeld |"
    )
    print("|---|---|" + "---|" * len(KINDS) + "---|---|")
    for split in ("tune", "test"):
        row = report[split]
        recalls = [
            f"{row['found'][k] / row['total'][k]:.1%} ({row['found'][k]}/{row['total'][k]})"
            if row["total"][k]
            else "-"
            for k in KINDS
        ]
        per_beeld = row["false"] / row["sentences"] * SENTENCES_PER_BEELD
        print(
            f"| {split} | {row['sentences']} | "
            + " | ".join(recalls)
            + f" | {row['false']} | {per_beeld:.2f} |"
        )


if __name__ == "__main__":
    main()
