"""Time building the fixture documents: `python -m lessons.builder.bench [--runs N]`."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from .pipeline import build_document, build_lesson

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
TARGET_SECONDS = 0.5


def main(argv: list[str] | None = None) -> int:
    """Build every fixture document `--runs` times and print the median time per round."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sources", type=Path, default=FIXTURES)
    args = parser.parse_args(argv)
    documents = [
        (path.stem, path.read_text(encoding="utf-8")) for path in sorted(args.sources.glob("*.txt"))
    ]
    if not documents:
        parser.error(f"no .txt documents in {args.sources}")
    rounds = {"build_document (all)": [], "build_lesson": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        for name, text in documents:
            build_document(text=text, name=name)
        rounds["build_document (all)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        build_lesson(documents=documents)
        rounds["build_lesson"].append(time.perf_counter() - started)
    print(f"{len(documents)} documents, {args.runs} runs, median seconds per run:")
    for label, timings in rounds.items():
        median = statistics.median(timings)
        verdict = "under" if median < TARGET_SECONDS else "OVER"
        print(f"  {label:22} {median:.4f} s ({verdict} the {TARGET_SECONDS} s target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
