"""The landgis error family.

Each error carries a message a clerk can act on, written once as a catalogue message
(:func:`landgis.i18n._`) and rendered in the user's language (``message`` Chinese,
``message_en`` English, ``text.render(lang)`` any), and an optional detail for the log.
The web layer maps error classes to HTTP status codes in one table; the library never
knows about HTTP.
"""

from __future__ import annotations

from typing import Any

from landgis.i18n import Localizable
from landgis.i18n.values import Label


class LandGISError(Exception):
    """Base class: ``message`` is for the user, ``detail`` for the log."""

    def __init__(
        self,
        message: Localizable | str,
        message_en: str | None = None,
        *,
        detail: str | None = None,
        problems: list[dict[str, Any]] | None = None,
    ) -> None:
        if isinstance(message, str):
            message = Label(message, message_en or message)
        self.text: Localizable = message
        self.message = message.render("zh")
        self.message_en = message.render("en")
        same = self.message_en == self.message
        both = self.message if same else f"{self.message} / {self.message_en}"
        super().__init__(both)
        self.detail = detail
        self.problems = problems or []

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the error for API clients."""
        body: dict[str, Any] = {
            "error": type(self).__name__,
            "message": self.message,
            "message_en": self.message_en,
        }
        if self.problems:
            body["problems"] = self.problems
        return body


class InvalidInput(LandGISError):
    """The input (a file, a field, a parameter) cannot be accepted as it is."""


class CRSError(InvalidInput):
    """Coordinates are missing a reference system or fall where they cannot be."""


class NotFound(LandGISError):
    """The named parcel, case or file does not exist."""


class Conflict(LandGISError):
    """The change clashes with what is stored (a duplicate code, a stale version)."""


class ConfigurationError(LandGISError):
    """The installation is missing something it needs (a library, a setting)."""


class ForbiddenTransition(Conflict):
    """The workflow does not allow this status change from the case's current status."""


class MissingEvidence(InvalidInput):
    """The status change needs evidence (a document number, a date, an area) not given."""


class StaleVersion(Conflict):
    """Someone else changed the record since the user read it."""

    def __init__(
        self, message: Localizable | str, message_en: str | None = None, **kwargs: Any
    ) -> None:
        self.current: dict[str, Any] | None = kwargs.pop("current", None)
        super().__init__(message, message_en, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        if self.current is not None:
            body["current"] = self.current
        return body


class ReadOnly(Conflict):
    """The record can no longer be changed (a closed case)."""


class NeedsConfirmation(Conflict):
    """The change is allowed but unusual, and the user must confirm it: completing a case
    whose revitalized area is below its idle area. ``remaining_m2`` is what is left."""

    def __init__(
        self, message: Localizable | str, message_en: str | None = None, **kwargs: Any
    ) -> None:
        self.remaining_m2: float = kwargs.pop("remaining_m2")
        self.remaining_mu: float = kwargs.pop("remaining_mu")
        super().__init__(message, message_en, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body |= {"remaining_m2": self.remaining_m2, "remaining_mu": self.remaining_mu}
        return body


class PermissionDenied(LandGISError):
    """The user's role does not allow this action."""


class AuthenticationRequired(LandGISError):
    """The request needs a logged-in user or a valid token."""


class PreconditionRequired(LandGISError):
    """A change must name the version it was based on."""


class TooLarge(InvalidInput):
    """An upload or archive larger than the limits allow."""


class UnsupportedFileType(InvalidInput):
    """A file of a kind landgis does not read."""


class Busy(LandGISError):
    """The server or the database is busy right now; nothing was changed, a retry works.

    ``retry_after`` is a hint in seconds."""

    def __init__(
        self, message: Localizable | str, message_en: str | None = None, **kwargs: Any
    ) -> None:
        self.retry_after: int = kwargs.pop("retry_after", 2)
        super().__init__(message, message_en, **kwargs)


class TooManyAttempts(LandGISError):
    """Too many failed attempts (logins); ``retry_after`` says in how many seconds to retry."""

    def __init__(
        self, message: Localizable | str, message_en: str | None = None, **kwargs: Any
    ) -> None:
        self.retry_after: int = kwargs.pop("retry_after", 60)
        super().__init__(message, message_en, **kwargs)


class DamagedBackup(InvalidInput):
    """A backup archive that is not whole: a checksum or size that does not match its
    manifest, a missing or unexpected member, or not a landgis backup at all."""


class IncompatibleBackup(InvalidInput):
    """A sound backup this installation cannot restore: written by a newer landgis (a
    schema revision this code does not know) or for the other storage backend."""
