"""The staff web UI: server-rendered pages on the API's authentication and the library.

One module per page or concern: :mod:`~api.web.layout` (language, user, navigation),
:mod:`~api.web.render` (templates, notices), :mod:`~api.web.display` (how values are
written), :mod:`~api.web.form_input` (reading posted forms), :mod:`~api.web.filters`
(the ledger filters), the pages :mod:`~api.web.dashboard`, :mod:`~api.web.ledger_page`,
:mod:`~api.web.case_page` with its forms (:mod:`~api.web.case_forms`) and attachments
(:mod:`~api.web.attachments`), :mod:`~api.web.import_pages` (with
:mod:`~api.web.import_staging`), :mod:`~api.web.account_pages` and
:mod:`~api.web.admin_page`; :mod:`~api.web.pages` gathers the staff pages' routes.
Texts come from the message catalogues (:mod:`landgis.i18n`) in the request's language
(:mod:`~api.web.i18n`); templates and static files live beside them.
"""
