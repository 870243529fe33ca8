"""Security headers: every response gets ``X-Content-Type-Options: nosniff`` and
``X-Frame-Options: SAMEORIGIN``; documents (HTML, SVG) also get a Content Security Policy
and ``Referrer-Policy``.

The policy lets a page load only from landgis itself. Scripts run from landgis's own
files and, inline, only with the nonce of the response: the code that writes an inline
script asks :func:`csp_nonce` for it (templates call ``csp_nonce(request)``; map routes
pass it to :func:`landgis.maps.render`), and the policy names it only when it was asked
for. Styles may be inline (``'unsafe-inline'`` in ``style-src`` only): Leaflet and folium
write style attributes and ``<style>`` elements. A map drawn on a tile background allows
images from that background's tile servers, named by the route with
:func:`allow_images_from`; nothing else is allowed from outside.

``Referrer-Policy: strict-origin-when-cross-origin``: landgis URLs carry case numbers,
searches and filters, and a cross-origin request (only tile requests make one) sends
the origin alone, never the path or query; the origin is kept because tile services check
it (天地图 browser keys bound to a domain; OpenStreetMap's tile usage policy asks for a
Referer). Same-origin requests keep the full referrer.

A response that sets its own ``Content-Security-Policy`` (attachments: a sandbox) keeps
it. Other responses (JSON, tiles, files) get the two constant headers and nothing else:
the middleware looks at the response's headers once, and makes no nonce for them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_STATE = "csp_nonce"
IMAGES_STATE = "csp_image_origins"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# Sandboxed: an attached file shown in the browser runs no script, loads nothing but its own
# images, and has an origin of its own (a PDF viewer and an image still display).
ATTACHMENT_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)
DOCUMENT_TYPES = (b"text/html", b"image/svg+xml", b"application/xhtml+xml")

# What every response carries (also set by the handler of unexpected errors, whose
# response is sent from outside this middleware).
BASE_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
}

_CSP = b"content-security-policy"
_CONTENT_TYPE = b"content-type"
_NOSNIFF, _FRAME = ((k.lower().encode(), v.encode()) for k, v in BASE_HEADERS.items())
_REFERRER = (b"referrer-policy", REFERRER_POLICY.encode())


def csp_nonce(request: Request) -> str:
    """The nonce of this response's inline scripts (made on the first call)."""
    nonce = getattr(request.state, NONCE_STATE, None)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        setattr(request.state, NONCE_STATE, nonce)
    return nonce


def allow_images_from(request: Request, origins: Iterable[str]) -> None:
    """Let this response's page load images from ``origins`` (``https://host``) too."""
    setattr(request.state, IMAGES_STATE, tuple(origins))


def content_security_policy(nonce: str | None = None, image_origins: Iterable[str] = ()) -> str:
    """The policy of a landgis page: its own origin only; inline scripts with ``nonce``;
    images also from ``image_origins``."""
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    images = " ".join(("'self'", "data:", "blob:", *image_origins))
    return (
        "default-src 'self'; "
        f"script-src {script}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'self'"
    )


class SecurityHeadersMiddleware:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_headers(list(message.get("headers", ())), state)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _with_headers(headers: list[tuple[bytes, bytes]], state: dict) -> list[tuple[bytes, bytes]]:
    content_type = b""
    has_nosniff = has_frame = has_referrer = has_csp = False
    for name, value in headers:
        name = name.lower()
        if name == _CONTENT_TYPE:
            content_type = value
        elif name == _NOSNIFF[0]:
            has_nosniff = True
        elif name == _FRAME[0]:
            has_frame = True
        elif name == _REFERRER[0]:
            has_referrer = True
        elif name == _CSP:
            has_csp = True
    if not has_nosniff:
        headers.append(_NOSNIFF)
    if not has_frame:
        headers.append(_FRAME)
    if content_type.lower().startswith(DOCUMENT_TYPES):
        if not has_referrer:
            headers.append(_REFERRER)
        if not has_csp:
            policy = content_security_policy(state.get(NONCE_STATE), state.get(IMAGES_STATE, ()))
            headers.append((_CSP, policy.encode()))
    return headers
