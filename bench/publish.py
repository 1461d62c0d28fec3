"""Benchmark: publish-ready assets of one story, and a group booklet of 50 beelden.

    .venv/bin/python bench/publish.py            # all parts, each in a fresh process
    .venv/bin/python bench/publish.py --runs 7   # more warm runs per part

Each part runs in its own process so its peak memory (max RSS) is its own. Figures are
side by side in one run: the "baseline" is what the walking skeleton rendered for a story
(the PDF and one LinkedIn text), so the ratio shows the cost of the full asset set on this
machine at this moment, whatever else the shared CPU is doing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from goodwork_pipeline.models import Channel, Consent, NameDisplay  # noqa: E402
from goodwork_pipeline.publishing.booklet import BookletEntry, render_booklet  # noqa: E402
from goodwork_pipeline.publishing.publish import sync_story  # noqa: E402
from goodwork_pipeline.publishing.render import Renderer  # noqa: E402
from goodwork_pipeline.publishing.view import public_view  # noqa: E402
from goodwork_pipeline.settings import bundled_templates_dir  # noqa: E402
from goodwork_pipeline.testing.sample_beelden import ANNA, group_of  # noqa: E402

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)


def _timed(work, runs: int) -> dict[str, float]:
    started = time.perf_counter()
    work()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        warm.append(time.perf_counter() - started)
    return {"cold_s": cold, "warm_median_s": statistics.median(warm), "warm_min_s": min(warm)}


def part_story(runs: int) -> dict[str, object]:
    renderer = Renderer(bundled_templates_dir())
    consent = Consent(
        "GW-BENCH001", frozenset(Channel), NameDisplay.FIRST, ANNA.beeld.text_sha256(), 1
    )
    outbox = Path(tempfile.mkdtemp(prefix="goodwork-bench-"))
    files: list[str] = []

    def everything() -> None:
        result = sync_story(
            story_id="GW-BENCH001",
            consent=consent,
            approved=ANNA.beeld,
            sidecar=ANNA.sidecar,
            renderer=renderer,
            outbox=outbox,
            programme="Beelden van Goed Werk",
            date=ANNA.sidecar.date,
            now=NOW,
        )
        files[:] = result.files

    view = public_view(
        ANNA.beeld,
        ANNA.sidecar,
        NameDisplay.FIRST,
        programme="Beelden van Goed Werk",
        date=ANNA.sidecar.date,
    )

    def baseline() -> None:
        renderer.pdf(view)
        renderer.linkedin(view)

    all_assets = _timed(everything, runs)
    skeleton = _timed(baseline, runs)
    return {
        "files": len(files),
        "all_assets": all_assets,
        "baseline_pdf_and_linkedin": skeleton,
        "ratio_warm": all_assets["warm_median_s"] / skeleton["warm_median_s"],
    }


def part_booklet(runs: int, size: int = 50) -> dict[str, object]:
    renderer = Renderer(bundled_templates_dir())
    entries = [
        BookletEntry(
            f"GW-B{i:07d}",
            public_view(
                s.beeld,
                s.sidecar,
                NameDisplay.FIRST,
                programme="Beelden van Goed Werk",
                date=s.sidecar.date,
            ),
            i,
            s.beeld.text_sha256(),
        )
        for i, s in enumerate(group_of(size))
    ]
    pages: list[int] = []

    def build() -> None:
        import pypdfium2 as pdfium

        pdf = render_booklet(
            renderer,
            group="teammanagers VVT 2026",
            programme="Beelden van Goed Werk",
            entries=entries,
            built=NOW.date(),
        )
        pages[:] = [len(pdfium.PdfDocument(pdf))]

    timing = _timed(build, max(1, runs // 3))
    return {"beelden": size, "pages": pages[0], "booklet": timing}


PARTS = {"story": part_story, "booklet": part_booklet}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs per part (default 5)")
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        result = PARTS[args.part](args.runs)
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    results = {}
    for part in PARTS:
        output = subprocess.run(
            [sys.executable, __file__, "--part", part, "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[part] = json.loads(output.strip().splitlines()[-1])
    story, booklet = results["story"], results["booklet"]
    print(f"command: .venv/bin/python bench/publish.py --runs {args.runs}")
    print("| measurement | result | target |")
    print("|---|---|---|")
    a, b = story["all_assets"], story["baseline_pdf_and_linkedin"]
    print(
        f"| all {story['files']} assets of one story, warm (median) | "
        f"{a['warm_median_s']:.2f} s (cold {a['cold_s']:.2f} s) | <= 1 s |"
    )
    print(f"| skeleton baseline (PDF + LinkedIn), warm | {b['warm_median_s']:.2f} s | - |")
    print(f"| ratio all assets / baseline | {story['ratio_warm']:.1f}x | - |")
    print(f"| peak memory, one story (max RSS) | {story['peak_rss_mib']:.0f} MiB | - |")
    t = booklet["booklet"]
    print(
        f"| booklet of {booklet['beelden']} beelden ({booklet['pages']} pages), warm | "
        f"{t['warm_median_s']:.1f} s (cold {t['cold_s']:.1f} s) | <= 30 s |"
    )
    print(f"| peak memory, booklet (max RSS) | {booklet['peak_rss_mib']:.0f} MiB | - |")


if __name__ == "__main__":
    main()
