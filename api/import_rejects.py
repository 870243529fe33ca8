"""The rows an import refused, kept for download (:mod:`landgis.imports.rejects_store`):
their links in the import's report, and the files served under them with their names."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import FileResponse

from landgis.errors import NotFound
from landgis.i18n import _
from landgis.imports import Checked
from landgis.imports.rejects_store import (
    REJECTS_HOURS,
    keep_refused_rows,
    kept_rejects,
    rejects_folder,
)
from landgis.io.exports import content_disposition, get_exporter
from landgis.tempfiles import remove_old_entries

REJECTS_PATH = "/api/imports/rejects"
RejectsKind = Literal["xlsx", "gpkg"]
# What a download is called for a client that cannot read a UTF-8 file name.
ASCII_STEM = "rejects"


def link_rejects(checked: Checked) -> None:
    """Keep the rows ``checked`` refuses (if any) and put their download links in its
    report: ``{"workbook": …/<token>.xlsx, "geopackage": …/<token>.gpkg}`` (no GeoPackage
    when no refused row has a geometry)."""
    kept = keep_refused_rows(checked)
    if kept is None:
        return
    token, files = kept
    links = {"workbook": f"{REJECTS_PATH}/{token}.xlsx"}
    if files.geopackage is not None:
        links["geopackage"] = f"{REJECTS_PATH}/{token}.gpkg"
    checked.report.rejects = links


def rejects_download(token: str, kind: RejectsKind) -> FileResponse:
    """The kept workbook (``xlsx``) or GeoPackage (``gpkg``) of ``token``, downloaded
    under its own name (the imported file's, ``_退回``); NotFound when it has expired, is
    unknown, or there is no GeoPackage (no refused row had a geometry)."""
    files = kept_rejects(rejects_folder(), token)
    path = files.workbook if kind == "xlsx" else files.geopackage
    if path is None:
        raise NotFound(_("退回的行都没有图形,没有 GeoPackage 文件;请下载退回行工作簿。"))
    return FileResponse(
        path,
        media_type=get_exporter(kind).media_type,
        headers={
            "Content-Disposition": content_disposition(path.name, f"{ASCII_STEM}.{kind}"),
            "Cache-Control": "private, no-store",
        },
    )


def clean_rejects() -> None:
    """Remove the kept rejects past their age (when the server starts)."""
    remove_old_entries(rejects_folder(), REJECTS_HOURS)
