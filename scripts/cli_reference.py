"""Write the README's command-line block from the command line's own help
(``--check``: exit 1 when the README differs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from landgis.cli import app
from landgis.cli.reference import render

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- command line: written by scripts/cli_reference.py from the commands' help -->"
END = "<!-- end of command line -->"


def with_block(readme: str) -> str:
    """``readme`` with its command-line block rewritten."""
    head, rest = readme.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n```text\n{render(app)}```\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = with_block(text)
    if args.check:
        if new != text:
            print("README.md: the command-line block differs: run scripts/cli_reference.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
