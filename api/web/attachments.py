"""A case's attachments on its page: uploading a document (checked by content and size
while it streams in) and reading it back in a sandbox.

A refused file shows the case page again with the reason, answered with the refusal's
status (413, 415, 422 …) and the description the user typed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import ReaderDep, SessionDep, SettingsDep
from api.errors import status_code_for
from api.routers.imports import UploaderDep
from api.security import ATTACHMENT_POLICY
from api.uploads import FileField, FormSpec, Upload, UploadForm, received_form
from api.web.case_page import show_refusal
from api.web.form_input import check_lengths
from api.web.render import flash
from landgis import attachments
from landgis.commands import AttachDocument
from landgis.db.session import transaction
from landgis.errors import InvalidInput, LandGISError
from landgis.i18n import _
from landgis.ledger_service import LedgerService, attachment_max_bytes
from landgis.settings import Settings

router = APIRouter(tags=["pages"], include_in_schema=False)


def _attachment_refusal(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    error: LandGISError,
    description: str = "",
) -> Response:
    """The case page again, saying why the file was refused, answered with the refusal's
    status (413, 415, 422, 409 …) unless the page is an error of its own (404)."""
    kept = {"kind": "attachment", "values": {"description": description}}
    response = show_refusal(request, session, settings, case_no, kept, error)
    if response.status_code == 200:
        response.status_code = status_code_for(error)
    return response


def _attach(
    request: Request,
    settings: Settings,
    case_no: str,
    principal: Principal,
    upload: Upload | None,
    description: str,
) -> Response:
    """Hand the received file to the ledger as an attachment (in a worker thread: it
    writes to the database and the attachments folder); on a refusal, the case page
    again."""
    with transaction(request.app.state.engine) as session:
        ledger = LedgerService(session, settings, principal.actor)
        try:
            with session.begin_nested():
                check_lengths({"description": description})
                if upload is None:
                    raise InvalidInput(_("请选择要上传的文件。"))
                with upload.path.open("rb") as stream:
                    command = AttachDocument(
                        case_no=case_no,
                        stream=stream,
                        filename=upload.filename,
                        description=description or None,
                    )
                    ledger.handle(command)
        except LandGISError as error:
            return _attachment_refusal(request, session, settings, case_no, error, description)
    flash(request, _("附件已上传。"))
    return RedirectResponse(f"/cases/{quote(case_no, safe='')}#attachments", status_code=303)


def _refuse_attachment(
    request: Request, settings: Settings, case_no: str, error: LandGISError, description: str
) -> Response:
    """:func:`_attachment_refusal` for a file refused while it streamed (worker thread)."""
    with transaction(request.app.state.engine) as session:
        return _attachment_refusal(request, session, settings, case_no, error, description)


@router.post("/cases/{case_no}/attachments", response_model=None)
async def upload_attachment(
    case_no: str, request: Request, settings: SettingsDep, principal: UploaderDep
) -> Response:
    """Attach a document (PDF or image, checked by content and size) to the case.

    The editor role is checked before the file is read, its size while it streams in.
    An upload changes nothing of the case and writes no case event: the case's version
    stays, so nobody's open form goes stale because a scan was added. A refused file
    shows the case page again with the reason, answered 413, 415 or 422."""
    spec = FormSpec(
        files=(FileField("file", attachment_max_bytes(settings)),),
        fields=("description",),
        max_field_bytes=4 * attachments.MAX_DESCRIPTION,
    )
    received = UploadForm()
    try:
        async with received_form(request, spec, principal, received) as form:
            return await run_in_threadpool(
                _attach,
                request,
                settings,
                case_no,
                principal,
                form.files.get("file"),
                form.text("description"),
            )
    except InvalidInput as error:  # too large, empty, malformed: refused while it streamed
        description = received.text("description")
        return await run_in_threadpool(
            _refuse_attachment, request, settings, case_no, error, description
        )


@router.get("/cases/{case_no}/attachments/{attachment_id}", response_model=None)
def download_attachment(
    case_no: str,
    attachment_id: int,
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReaderDep,
    download: bool = False,
) -> Response:
    """The attached file: shown in the browser (PDF, common images) or downloaded; either
    way in a sandbox where it runs no script (an active type, such as SVG or HTML, is only
    ever downloaded)."""
    item = attachments.get_attachment(session, case_no, attachment_id)
    path = attachments.attachment_path(item, settings.attachments_dir)
    inline = item.media_type in attachments.INLINE_MEDIA_TYPES and not download
    return FileResponse(
        path,
        media_type=item.media_type,
        filename=item.filename,
        content_disposition_type="inline" if inline else "attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": ATTACHMENT_POLICY,
            "Cache-Control": "private, max-age=0",
        },
    )
