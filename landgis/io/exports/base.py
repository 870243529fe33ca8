"""What every export format is: a name, a media type, an extension, its options and a
``write`` that streams the ledger to a binary file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, BinaryIO, ClassVar

from landgis.errors import InvalidInput
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
            accepted = ", ".join(self.options) or "无 none"
            raise InvalidInput(
                f"{self.label} 导出不支持选项 {', '.join(unknown)}(可用:{accepted})。",
                f"The {self.name} export has no option {', '.join(unknown)} "
                f"(accepted: {accepted}).",
            )
        return self.normalize({name: given.get(name) for name in self.options})

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        """Validate and default each accepted option (all are passed, None when not given)."""
        return options

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        """Write ``data`` in this format to the binary stream ``out``."""
        raise NotImplementedError
