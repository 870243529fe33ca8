"""Uploads read as they stream, once who asks is known.

A route taking files declares no ``File`` or ``Form`` parameters (FastAPI would read the
whole body before resolving any dependency): it depends on
``require_role(role, csrf=False)``, so the user and the role are checked before a byte of
the body is read, and then reads the body itself with :func:`received_form`:

- a ``Content-Length`` above the form's limit is refused at once (413), before reading; a
  body sent without one (chunked) is cut off with 413 as soon as the count passes it, and
  so is a file part past its own limit;
- a file part whose name has a suffix the route does not take is refused (415) before its
  data is written;
- file parts are written to disk in chunks, in a private folder
  (:mod:`landgis.tempfiles`) that is removed afterwards whatever happens (success, error,
  a client gone); at most a chunk or two of the body is in memory at a time; text fields
  are few and short;
- the CSRF token of a browser form (the ``csrf_token`` field) is checked once the form is
  read, before anything is done with it.

The route's OpenAPI description keeps its multipart body through :func:`multipart_body`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from api.auth import CSRF_FIELD, CSRF_HEADER, Principal, check_csrf
from api.body_limit import BODY_LIMIT_KEY
from landgis.errors import InvalidInput, LandGISError, TooLarge, UnsupportedFileType
from landgis.i18n import _, listing
from landgis.tempfiles import UPLOAD, remove_old_entries, remove_stale_folders, temporary_folder

try:  # python-multipart >= 0.0.13 names its module python_multipart
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header
except ModuleNotFoundError:  # pragma: no cover - older python-multipart
    from multipart.exceptions import FormParserError  # type: ignore[no-redef]
    from multipart.multipart import (  # type: ignore[no-redef]
        MultipartParser,
        parse_options_header,
    )

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

# Part headers, boundaries and the CSRF token on top of the declared files and fields.
FORM_OVERHEAD = 64 * 1024
# File data waiting to be written is written (in a worker thread) past this many bytes.
FLUSH_BYTES = 1 << 20
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})


def _mb(size: int) -> str:
    return f"{size / (1 << 20):g}"


def upload_too_large(limit: int) -> TooLarge:
    """The refusal of an upload past ``limit`` bytes."""
    return TooLarge(_("上传文件超过 {size} MB 的上限。", size=_mb(limit)))


@dataclass(frozen=True)
class FileField:
    """A file part a form takes: its field name, largest size and accepted suffixes
    (``None``: any). ``suffix_limits`` sets a smaller limit for some suffixes, refused
    with ``suffix_refusal(file name, limit)``."""

    name: str
    max_bytes: int
    suffixes: Collection[str] | None = None
    required: bool = False
    suffix_limits: Mapping[str, int] = field(default_factory=dict)
    suffix_refusal: Callable[[str, int], LandGISError] | None = None

    def limit_for(self, suffix: str) -> int:
        """The largest size of a file with this suffix."""
        return min(self.max_bytes, self.suffix_limits.get(suffix, self.max_bytes))

    def refusal(self, filename: str, suffix: str) -> LandGISError:
        """Why a file past its limit is refused."""
        limit = self.limit_for(suffix)
        if limit < self.max_bytes and self.suffix_refusal is not None:
            return self.suffix_refusal(filename, limit)
        return upload_too_large(limit)


@dataclass(frozen=True)
class FormSpec:
    """What a multipart form may hold: its file parts, the names of its text fields (each
    at most ``max_field_bytes``); parts of other names are read past and dropped."""

    files: tuple[FileField, ...]
    fields: tuple[str, ...] = ()
    max_field_bytes: int = 4096
    max_parts: int = 32

    @property
    def max_body(self) -> int:
        """The largest body the form can take."""
        fields = (len(self.fields) + 1) * self.max_field_bytes  # +1: the CSRF token
        return sum(f.max_bytes for f in self.files) + fields + FORM_OVERHEAD

    def file(self, name: str) -> FileField | None:
        """The file field of that name, if the form takes one."""
        return next((f for f in self.files if f.name == name), None)


@dataclass(frozen=True)
class Upload:
    """A file received: the name the client gave it, where it is, its size."""

    field: str
    filename: str
    path: Path
    size: int


@dataclass
class UploadForm:
    """A multipart form as received: its text fields and its files."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def text(self, name: str) -> str:
        """A text field, stripped ('' when absent)."""
        return self.fields.get(name, "").strip()

    def flag(self, name: str) -> bool:
        """A checkbox or boolean field."""
        return self.text(name).lower() in TRUE_WORDS


def safe_name(filename: str, suffixes: Collection[str] | None) -> tuple[str, str]:
    """(a file-system-safe name keeping the suffix readers go by, that suffix); refuses a
    suffix not in ``suffixes``."""
    name = Path((filename or "upload").replace("\\", "/")).name
    two = "".join(Path(name).suffixes[-2:]).lower()
    suffix = Path(name).suffix.lower()
    if suffixes is not None and suffix not in suffixes and two not in suffixes:
        listed = sorted(suffixes)
        zipped = ".zip" in suffixes  # a Shapefile is several files: they come zipped
        given = suffix or _("(无扩展名)")
        if zipped:
            raise UnsupportedFileType(
                _(
                    "不支持的文件类型 {suffix},支持:{supported}(Shapefile 请打包为 .zip)。",
                    suffix=given,
                    supported=listing(listed),
                )
            )
        raise UnsupportedFileType(
            _(
                "不支持的文件类型 {suffix},支持:{supported}。",
                suffix=given,
                supported=listing(listed),
            )
        )
    stem = re.sub(r"[^\w\-]", "_", Path(name).stem).strip("._") or "upload"
    return stem[:100] + suffix, suffix


class _Part:
    """The part being read: a text field's bytes, or a file being written."""

    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.data = bytearray()
        self.spec: FileField | None = None
        self.upload: Upload | None = None
        self.handle: BinaryIO | None = None
        self.limit = 0
        self.size = 0
        self.suffix = ""
        self.dropped = False


class _FormReader:
    """python-multipart's callbacks, writing file parts into ``folder``."""

    def __init__(self, spec: FormSpec, folder: Path, form: UploadForm) -> None:
        self.spec = spec
        self.folder = folder
        self.form = form
        self.part = _Part()
        self.parts = 0
        self.header_name = b""
        self.header_value = b""
        self.pending: list[tuple[BinaryIO, bytes]] = []
        self.pending_bytes = 0
        self.handles: list[BinaryIO] = []
        self.file_count = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }

    @staticmethod
    def _text(raw: bytes) -> str:
        return raw.decode("utf-8", errors="replace")

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > self.spec.max_parts:
            raise InvalidInput(_("表单中的项目超过 {count} 个。", count=self.spec.max_parts))
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.header_name.lower()] = self.header_value
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        part = self.part
        _kind, options = parse_options_header(part.headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise InvalidInput(_("表单格式有误:某一项缺少名称。"))
        part.name = self._text(options[b"name"])
        spec = self.spec.file(part.name)
        if b"filename" not in options:
            part.dropped = part.name not in self.spec.fields and part.name != CSRF_FIELD
            return
        filename = self._text(options[b"filename"])
        if spec is None or not filename or part.name in self.form.files:
            part.dropped = True  # an unknown file field, an empty file input, a second file
            return
        name, suffix = safe_name(filename, spec.suffixes)
        self.file_count += 1
        own = self.folder / str(self.file_count)  # a folder each: the name stays as it is
        own.mkdir()
        path = own / name
        handle = path.open("xb")
        self.handles.append(handle)
        part.spec, part.handle, part.limit = spec, handle, spec.limit_for(suffix)
        part.upload = Upload(part.name, filename, path, 0)
        part.suffix = suffix

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        size = end - start
        part.size += size
        if part.dropped:
            return
        if part.handle is None:
            if part.size > self.spec.max_field_bytes:
                raise InvalidInput(
                    _(
                        "表单项 {field} 超过 {size} 字节。",
                        field=part.name,
                        size=self.spec.max_field_bytes,
                    )
                )
            part.data += data[start:end]
            return
        if part.size > part.limit:
            assert part.spec is not None and part.upload is not None
            raise part.spec.refusal(Path(part.upload.filename).name, part.suffix)
        self.pending.append((part.handle, bytes(data[start:end])))
        self.pending_bytes += size

    def on_part_end(self) -> None:
        part = self.part
        if part.dropped:
            return
        if part.upload is None:
            self.form.fields.setdefault(part.name, self._text(bytes(part.data)))
            return
        if part.size == 0:
            raise InvalidInput(_("上传的文件是空的。"))
        upload = part.upload
        self.form.files[part.name] = Upload(upload.field, upload.filename, upload.path, part.size)

    def write_pending(self) -> None:
        """Write the file data received so far (in a worker thread)."""
        for handle, data in self.pending:
            handle.write(data)
        self.pending.clear()
        self.pending_bytes = 0

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


def _declared_length(request: Request) -> int | None:
    text = request.headers.get("content-length")
    if text is None:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise InvalidInput(_("请求头 Content-Length 无效。")) from exc


async def read_form(
    request: Request, spec: FormSpec, folder: Path, into: UploadForm | None = None
) -> UploadForm:
    """Read the multipart body of ``request`` as it streams, files into ``folder``; the
    fields go into ``into`` when given, which keeps those read before a refusal."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise UnsupportedFileType(
            _("请以 multipart/form-data 表单上传文件。"),
        )
    limit = spec.max_body
    declared = _declared_length(request)
    main = spec.files[0].max_bytes if spec.files else limit
    if declared is not None and declared > limit:
        raise upload_too_large(main)  # before a byte of the body is read
    request.scope[BODY_LIMIT_KEY] = None  # counted here, with the form's own limit
    reader = _FormReader(spec, folder, into if into is not None else UploadForm())
    parser = MultipartParser(params[b"boundary"], reader.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise upload_too_large(main)
            parser.write(chunk)
            if reader.pending_bytes >= FLUSH_BYTES:
                await run_in_threadpool(reader.write_pending)
        parser.finalize()
        await run_in_threadpool(reader.write_pending)
    except FormParserError as exc:
        raise InvalidInput(_("表单格式有误。")) from exc
    except ClientDisconnect as exc:
        raise InvalidInput(_("上传未完成:连接已中断。")) from exc
    finally:
        reader.close()
    for spec_file in spec.files:
        if spec_file.required and spec_file.name not in reader.form.files:
            missing = _("缺少文件")
            raise InvalidInput(
                _("请选择要上传的文件。"),
                problems=[
                    {
                        "field": spec_file.name,
                        "problem": missing.render("zh"),
                        "problem_en": missing.render("en"),
                    }
                ],
            )
    return reader.form


async def check_form_csrf(request: Request, principal: Principal | None, form: UploadForm) -> None:
    """:func:`api.auth.check_csrf` for a form read here: a browser's token may come in the
    ``csrf_token`` field instead of the header."""
    if (principal is not None and principal.via_token) or CSRF_HEADER in request.headers:
        await check_csrf(request, principal)
        return
    token = form.fields.get(CSRF_FIELD, "").encode("utf-8", errors="replace")
    headers = [*request.scope["headers"], (CSRF_HEADER.lower().encode("latin-1"), token)]
    await check_csrf(Request({**request.scope, "headers": headers}), principal)


@asynccontextmanager
async def received_form(
    request: Request,
    spec: FormSpec,
    principal: Principal | None,
    into: UploadForm | None = None,
) -> AsyncIterator[UploadForm]:
    """The form of ``request`` read as it streams, its CSRF token checked; its files are
    removed afterwards, whatever happens. ``into``: see :func:`read_form`."""
    with temporary_folder(UPLOAD) as folder:
        form = await read_form(request, spec, folder, into)
        await check_form_csrf(request, principal, form)
        yield form


def form_values(model: type[BaseModel], form: UploadForm) -> Any:
    """The form's text fields validated by ``model`` (a 422 naming the fields when not)."""
    values = {k: v for k, v in form.fields.items() if k in model.model_fields}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


def multipart_body(
    model: type[BaseModel] | None, files: Mapping[str, tuple[str, bool]]
) -> dict[str, Any]:
    """``openapi_extra`` describing a multipart body: the files (name: (description,
    required)) and the text fields of ``model``."""
    properties: dict[str, Any] = {
        name: {"type": "string", "contentMediaType": "application/octet-stream"}
        | ({"description": text} if text else {})
        for name, (text, _) in files.items()
    }
    required = [name for name, (_, needed) in files.items() if needed]
    if model is not None:
        schema = model.model_json_schema()
        properties |= schema.get("properties", {})
        required += schema.get("required", [])
    body = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": body}}}}


def clean_leftovers(staging: Path, staging_hours: float) -> None:
    """Remove what a crashed process left: upload and unpacking folders of processes that
    no longer run (or older than a day), and staged imports past their age."""
    remove_stale_folders()
    remove_old_entries(staging, staging_hours)
