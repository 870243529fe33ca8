"""What every export format is: a name, a media type, an extension, its options and a
``write`` that streams the ledger to a binary file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, BinaryIO, ClassVar

from landgis.errors import InvalidInput
from landgis.i18n import _, listing, pgettext
from landgis.io.exports.rows import LedgerData


class Exporter:
    """One export format: how it is named, served and written."""

    name: ClassVar[str]
    label: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]
    options: ClassVar[tuple[str, ...]] = ()

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """The options normalized; InvalidInput for unknown names or bad values."""
        given = {k: v for k, v in options.items() if v is not None}
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            accepted = listing(self.options) if self.options else pgettext("choice", "无")
            raise InvalidInput(
                _(
                    "{export} 导出不支持选项 {options}(可用:{accepted})。",
                    export=self.label,
                    options=listing(unknown),
                    accepted=accepted,
                )
            )
        return self.normalize({name: given.get(name) for name in self.options})

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        """Validate and default each accepted option (all are passed, None when not given)."""
        return options

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        """Write ``data`` in this format to the binary stream ``out``."""
        raise NotImplementedError
