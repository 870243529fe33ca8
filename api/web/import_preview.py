"""The preview map of a checked import: drawn once, when the file is checked, from the
rows that would go in (:func:`landgis.imports.accepted_rows`), and kept in the file's
staging folder until it is checked again or imported; the preview page serves it as
drawn (with the nonce of its response), never reading the file again."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.routers.maps import kept_map_response
from api.web.i18n import Translator, map_labels
from landgis import imports
from landgis.db.repository import zones_frame
from landgis.errors import NotFound
from landgis.i18n import _
from landgis.maps import ledger_map, render_for_later
from landgis.settings import Settings
from landgis.tiled_map import place_layer_control

# Beside the staged file (an upload's name never starts with a dot).
PAGE = ".preview.html"
PLACEHOLDER = ".preview.nonce"


def keep_preview(
    session: Session,
    checked: imports.Checked,
    options: imports.ImportOptions,
    folder: Path,
    *,
    settings: Settings,
    t: Translator,
) -> None:
    """Draw the rows of ``checked`` that would go in, as they would be stored, on the
    zones, in ``t``'s language; kept in ``folder`` (a page drawn before is replaced)."""
    fmap = ledger_map(
        imports.accepted_rows(session, checked, options),
        zones_frame(session),
        basemap=settings.basemap,
        tianditu_key=settings.tianditu_key,
        title=t(_("导入预览")),
        labels=map_labels(t.lang),
    )
    place_layer_control(fmap)
    page, placeholder = render_for_later(fmap)
    drop_preview(folder)
    (folder / PLACEHOLDER).write_text(placeholder, encoding="utf-8")
    (folder / PAGE).write_text(page, encoding="utf-8")


def drop_preview(folder: Path) -> None:
    """Remove the preview kept in ``folder`` (a check that refused the file has none)."""
    for name in (PAGE, PLACEHOLDER):
        (folder / name).unlink(missing_ok=True)


def preview_response(request: Request, folder: Path, settings: Settings) -> HTMLResponse:
    """The preview kept in ``folder``, served as a map page; NotFound when there is none."""
    try:
        placeholder = (folder / PLACEHOLDER).read_text(encoding="utf-8")
        page = (folder / PAGE).read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFound(_("这个文件的检查没有可预览的宗地,请重新检查。")) from exc
    return kept_map_response(request, page, placeholder, settings.basemap, settings.tianditu_key)
