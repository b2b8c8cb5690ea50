"""Time building the fixture documents: `python -m lessons.builder.bench [--runs N]`."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from .pipeline import build_document, build_lesson

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
CORPUS = FIXTURES.parent / "corpus"
TARGET_SECONDS = 0.5
LARGE_PAGE_CHARS = 100_000
LARGE_PAGE_SECONDS = 1.0


def large_page(sources: list[Path]) -> str:
    """Return a wikitext page of LARGE_PAGE_CHARS made of real sections, one after another."""
    sections = [path.read_text(encoding="utf-8") for path in sources]
    page = ""
    while len(page) < LARGE_PAGE_CHARS:
        page += "\n\n".join(sections) + "\n\n"
    return page[:LARGE_PAGE_CHARS]


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
    page = large_page(sorted(CORPUS.glob("wiki_*.txt")))
    large = []
    for _ in range(max(3, args.runs // 4)):
        started = time.perf_counter()
        build_document(text=page, name="large-page")
        large.append(time.perf_counter() - started)
    print(f"{len(documents)} documents, {args.runs} runs, median seconds per run:")
    for label, timings in rounds.items():
        _report(label, statistics.median(timings), TARGET_SECONDS)
    _report(f"{len(page):,}-char page", statistics.median(large), LARGE_PAGE_SECONDS)
    return 0


def _report(label: str, median: float, target: float) -> None:
    verdict = "under" if median < target else "OVER"
    print(f"  {label:22} {median:.4f} s ({verdict} the {target} s target)")


if __name__ == "__main__":
    raise SystemExit(main())
