"""Extract the messages of the code and templates and update the catalogues
(``make messages``).

1. ``pybabel extract`` (babel.cfg) writes ``landgis/locale/messages.pot``;
2. ``pybabel update`` brings the ``zh_CN`` and ``en`` catalogues in line with it (new
   messages added, removed ones dropped);
3. the ``zh_CN`` catalogue gets each message's Chinese source text as its translation
   where it has none (Chinese is the source language; a reviewer may reword there);
4. optionally (``--translations FILE.json``, {"中文": "English"}, repeatable) English
   translations are filled in where the ``en`` catalogue has none.

Prints what is left untranslated in English; exits 1 when anything is (``--check``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

# The catalogues of the checkout this script is in, whichever landgis the Python in use
# would import otherwise (an editable install of another checkout).
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landgis.i18n.catalogues import (  # noqa: E402
    DOMAIN,
    LOCALE_DIR,
    LOCALES,
    catalogue_path,
)

if LOCALE_DIR.resolve() != (ROOT / "landgis" / "locale").resolve():
    sys.exit(f"messages.py: landgis imported from {LOCALE_DIR.parent}, not from {ROOT}")

TEMPLATE = LOCALE_DIR / "messages.pot"
# No locations and no header (its dates change on every run): the files change only when
# a message does, and branches that add messages merge without conflicts.
PO_OPTIONS = ["--no-location", "--no-wrap", "--sort-output", "--omit-header"]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-o",
        str(TEMPLATE),
        "--project",
        "landgis",
        "--copyright-holder",
        "landgis",
        "--msgid-bugs-address",
        "",
        *PO_OPTIONS,
        ".",
    )


def update() -> None:
    for locale in LOCALES.values():
        po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        extra = ["--ignore-obsolete", "--no-fuzzy-matching"] if po.exists() else []
        pybabel(
            command,
            "-i",
            str(TEMPLATE),
            "-d",
            str(LOCALE_DIR),
            "-D",
            DOMAIN,
            "-l",
            locale,
            "--no-wrap",
            *extra,
        )


def fill(lang: str, translations: dict[str, str] | None) -> list[str]:
    """Fill ``lang``'s empty translations (Chinese: the source text; English: from
    ``translations``); the msgids still untranslated."""
    path = catalogue_path(lang)
    with path.open("rb") as source:
        catalog = read_po(source)
    missing = []
    for message in catalog:
        if not message.id or message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        key = msgid if message.context is None else f"{message.context}\x04{msgid}"
        if lang == "zh":
            message.string = msgid
        elif translations and (key in translations or msgid in translations):
            message.string = translations.get(key) or translations[msgid]
        else:
            missing.append(key.replace("\x04", " | "))
        message.flags.discard("fuzzy")
    with path.open("wb") as target:
        write_po(
            target,
            catalog,
            width=0,
            omit_header=True,
            sort_output=True,
            no_location=True,
            ignore_obsolete=True,
        )
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--translations",
        type=Path,
        action="append",
        default=[],
        help="JSON {中文: English} to fill in (repeatable; context: 'context\\u0004中文')",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when any is missing")
    args = parser.parse_args()
    given: dict[str, str] = {}
    for path in args.translations:
        given |= json.loads(path.read_text(encoding="utf-8"))
    os.chdir(ROOT)  # babel.cfg and the sources are read from the checkout
    extract()
    update()
    fill("zh", None)
    missing = fill("en", given)
    for msgid in missing:
        print(f"untranslated (en): {msgid}")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
