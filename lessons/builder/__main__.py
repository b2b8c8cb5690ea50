"""Build a draft lesson from text files: `python -m lessons.builder FILE... [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BuilderError
from .pipeline import build_lesson
from .upload import decode_upload


def main(argv: list[str] | None = None) -> int:
    """Print the draft lesson as an outline, or as JSON with --json; exit 2 on bad input."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="print the whole draft as JSON")
    args = parser.parse_args(argv)
    try:
        documents = [
            (path.stem, decode_upload(data=path.read_bytes(), name=path.name))
            for path in args.files
        ]
        lesson = build_lesson(documents=documents)
    except (BuilderError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(lesson.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{lesson.title} (draft)\n{lesson.central_question}\n")
    for module in lesson.modules:
        print(f"[{module.kind}] {module.title}")
        for question in module.questions:
            print(f"  - ({question.skill}) {question.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
