"""The options of the import form: read from a posted form, and shown again after a check
with what was chosen and what the check's problems suggest (their ``suggestion``: see
:mod:`landgis.io.problems`) already chosen, said in words naming each control."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api.uploads import UploadForm
from landgis.i18n import Text, _, listing
from landgis.io.crs_choices import listed_crs

# The coordinate system select's value for "another one, typed in".
OTHER = "other"
# The text fields of the form's options.
OPTION_FIELDS = (
    "crs",
    "crs_other",
    "layer",
    "mode",
    "swap_xy",
    "from_gcj02",
    "codes",
    "assign_codes",
    "code_template",
    "skip_invalid",
    "drop_mapping",
)
CRS_MAX = 64
LAYER_MAX = 128


def read_options(form: UploadForm) -> dict[str, Any]:
    """The import options of a posted form, as staged with its file."""
    choice = form.text("crs")
    crs = form.text("crs_other") if choice == OTHER else choice
    options: dict[str, Any] = {
        "crs": crs[:CRS_MAX],
        "layer": form.text("layer")[:LAYER_MAX],
        "mode": "upsert" if form.text("mode") == "upsert" else "insert",
        "swap_xy": form.flag("swap_xy"),
        "from_gcj02": form.flag("from_gcj02"),
        "skip_invalid": form.flag("skip_invalid"),
    }
    codes = form.text("codes")
    if codes == "assign":
        options["assign_codes"] = form.text("assign_codes")[:64]
    elif codes == "template":
        options["code_template"] = form.text("code_template")[:256]
    return options


@dataclass
class FormValues:
    """What the form's controls show; ``suggested`` names the controls set from the
    check's suggestions, ``advice`` says in words what was set or is left to choose."""

    crs: str = ""  # the select's value: a listed code, OTHER, or "" (the file's own)
    crs_other: str = ""
    layer: str = ""
    layers: tuple[str, ...] = ()  # layers the file has, to pick from
    mode: str = "insert"
    swap_xy: bool = False
    from_gcj02: bool = False
    codes: str = "file"
    assign_codes: str = ""
    code_template: str = ""
    skip_invalid: bool = False
    suggested: set[str] = field(default_factory=set)
    advice: list[Text] = field(default_factory=list)

    @property
    def notice(self) -> Text | None:
        """What the check's suggestions set in the form, or leave to choose."""
        if not self.advice:
            return None
        return _(
            "根据检查结果,下方表单中{advice}。核对后点“重新检查”即可,不必重新上传文件。",
            advice=listing(self.advice),
        )

    def set_crs(self, text: str) -> None:
        """Choose ``text``: in the select when listed, else typed in."""
        listed = listed_crs(text)
        if listed is not None:
            self.crs, self.crs_other = listed.code, ""
        elif text:
            self.crs, self.crs_other = OTHER, text
        else:
            self.crs, self.crs_other = "", ""


def _chosen(staged: Mapping[str, Any]) -> FormValues:
    values = FormValues(
        layer=staged.get("layer") or "",
        mode=staged.get("mode") or "insert",
        swap_xy=bool(staged.get("swap_xy")),
        from_gcj02=bool(staged.get("from_gcj02")),
        skip_invalid=bool(staged.get("skip_invalid")),
    )
    values.set_crs(staged.get("crs") or "")
    if staged.get("assign_codes"):
        values.codes, values.assign_codes = "assign", staged["assign_codes"]
    elif staged.get("code_template"):
        values.codes, values.code_template = "template", staged["code_template"]
    return values


def _suggest_crs(values: FormValues, codes: list[str]) -> None:
    if "crs" in values.suggested:
        return
    values.suggested.add("crs")
    if not codes:
        values.advice.append(_("请在“坐标系”中选择文件所用的坐标系"))
        return
    values.set_crs(codes[0])
    listed = listed_crs(codes[0])
    chosen = listed.label if listed is not None else codes[0]
    if len(codes) > 1:
        values.advice.append(
            _("“坐标系”已选 {crs}(也可能是 {others})", crs=chosen, others=listing(codes[1:]))
        )
    else:
        values.advice.append(_("“坐标系”已选 {crs}", crs=chosen))


def _suggest_layer(values: FormValues, layers: list[str]) -> None:
    if "layer" in values.suggested or not layers:
        return
    values.suggested.add("layer")
    values.layers = tuple(str(name) for name in layers)
    if len(layers) == 1:
        values.layer = values.layers[0]
        values.advice.append(_("“图层”已填 {layer}", layer=values.layer))
    else:
        values.advice.append(_("请在“图层”中填写其中之一:{layers}", layers=listing(values.layers)))


def _suggest_flag(values: FormValues, name: str, advice: Text) -> None:
    if name not in values.suggested:
        values.suggested.add(name)
        setattr(values, name, True)
        values.advice.append(advice)


def _suggest_skipping(values: FormValues, problems: list[Mapping[str, Any]], passing: int) -> None:
    """When every error is a row's own and some rows pass, say that those rows can go in
    without the others (never chosen for the user: it leaves rows out)."""
    erring = [p for p in problems if p.get("severity", "error") == "error"]
    if values.skip_invalid or not erring or passing <= 0:
        return
    if all(p.get("row") is not None for p in erring):
        values.suggested.add("skip_invalid")
        values.advice.append(
            _(
                "也可勾选“跳过有错误的行,只导入通过检查的行”,先导入通过检查的 {count} 行",
                count=passing,
            )
        )


def form_values(
    staged: Mapping[str, Any] | None = None,
    problems: Iterable[Mapping[str, Any]] = (),
    *,
    passing: int = 0,
) -> FormValues:
    """The form's controls as last chosen (``staged``), with the fixes the ``problems``
    suggest chosen instead (the first coordinate system suggested, swapped axes, the
    GCJ-02 correction, the one layer named). Updating parcels already stored is never
    chosen for the user: the problem's message names that choice. Skipping the rows with
    an error is suggested, not chosen, when every error is a row's own and ``passing``
    rows have none."""
    values = _chosen(staged or {})
    problems = list(problems)
    for item in problems:
        found = item.get("suggestion") or {}
        if "crs" in found:
            _suggest_crs(values, list(found["crs"] or []))
        if found.get("swap_xy"):
            _suggest_flag(values, "swap_xy", _("已勾选“交换 X/Y”"))
        if found.get("from_gcj02"):
            _suggest_flag(
                values, "from_gcj02", _("已勾选“坐标来自高德、腾讯等 GCJ-02 地图,导入时纠正”")
            )
        if "layer" in found:
            _suggest_layer(values, list(found["layer"] or []))
        if (found.get("mapping") or found.get("codes")) and "codes" not in values.suggested:
            values.suggested.add("codes")
            values.advice.append(
                _("也可上传映射文件指明各列对应的字段,或在“宗地编号”中选择自动编号或由列组合")
            )
    _suggest_skipping(values, problems, passing)
    return values


def options_summary(staged: Mapping[str, Any]) -> list[Text]:
    """The options a check ran with, in words (the mapping file by its name)."""
    said: list[Text] = []
    if staged.get("mapping_name"):
        said.append(_("映射文件 {name}", name=staged["mapping_name"]))
    if staged.get("crs"):
        listed = listed_crs(staged["crs"])
        said.append(_("坐标系 {crs}", crs=listed.label if listed else staged["crs"]))
    if staged.get("layer"):
        said.append(_("图层 {layer}", layer=staged["layer"]))
    if staged.get("swap_xy"):
        said.append(_("交换 X/Y"))
    if staged.get("from_gcj02"):
        said.append(_("GCJ-02 纠正"))
    if staged.get("assign_codes"):
        said.append(_("自动编号前缀 {prefix}", prefix=staged["assign_codes"]))
    if staged.get("code_template"):
        said.append(_("编号模板 {template}", template=staged["code_template"]))
    if staged.get("skip_invalid"):
        said.append(_("跳过有错误的行"))
    return said
