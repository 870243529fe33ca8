"""The staff pages' routes as one router (``create_app`` includes it).

Pages: ``/`` (dashboard), ``/ledger``, ``/map-page``, ``/cases/{case_no}`` with its forms
and attachments, ``/import``, the per-mu evaluation (``/efficiency``) with its class map
(``/efficiency/map``), review list (``/efficiency/suggestions``) and import form
(``/efficiency/import``); the factory space pages (``/space``, its buildings and
leases); the project pages (``/projects``, a project with its candidates and their map);
``/lang/{code}`` switches the language. The account and administration pages have
routers of their own (:mod:`api.web.account_pages`, :mod:`api.web.admin_page`).

Forms post back to page routes, which call the library and redirect on success; on a
refusal the page is rendered again with the message and with everything the user typed.
Writes need the editor role and the session's CSRF token, checked by the same
dependencies as the JSON API. Every text comes from the message catalogues
(:mod:`landgis.i18n`, rendered by :mod:`api.web.i18n`); every asset is served by landgis:
no page makes an outside request.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.web import (
    attachments,
    building_import,
    case_forms,
    case_page,
    dashboard,
    efficiency_import,
    efficiency_map_page,
    efficiency_page,
    import_pages,
    layout,
    ledger_page,
    project_forms,
    project_pages,
    space_forms,
    space_pages,
    suggestions_page,
)

router = APIRouter(tags=["pages"], include_in_schema=False)
for _module in (
    layout,
    dashboard,
    ledger_page,
    efficiency_page,
    case_page,
    case_forms,
    attachments,
    efficiency_map_page,
    suggestions_page,
    import_pages,
    efficiency_import,
    space_pages,
    space_forms,
    building_import,
    project_pages,
    project_forms,
):
    router.include_router(_module.router)
