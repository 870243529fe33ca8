"""Write ``.env.example`` from the settings model (``--check``: exit 1 when it differs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from landgis.settings_env import render_env_example

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args()
    text = render_env_example()
    if args.check:
        if ENV_EXAMPLE.read_text(encoding="utf-8") != text:
            print(".env.example differs from the settings: run scripts/env_example.py")
            return 1
        return 0
    ENV_EXAMPLE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
