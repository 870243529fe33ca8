"""The field schema describes every stored field once, and what is built from it fits
the files it goes to."""

from __future__ import annotations

import pytest

from landgis import exchange, schema, vocab
from landgis.db.models import Building, Case, CaseEvent, Parcel, Zone
from landgis.io.exports import options

RECORDS = [
    (schema.PARCEL, Parcel, {"zone_code"}),
    (schema.CASE, Case, {"parcel_code"}),
    (schema.EVENT, CaseEvent, {"case_no"}),
    (schema.BUILDING, Building, {"parcel_code", "floors"}),  # floors: exchange files only
    (schema.ZONE, Zone, {"parent_code"}),
]


@pytest.mark.parametrize(("fields", "model", "joined"), RECORDS)
def test_every_field_is_a_stored_column_or_a_joined_code(fields, model, joined):
    columns = set(model.__table__.columns.keys())
    assert {f.name for f in fields} - columns <= joined


def test_every_case_column_a_clerk_can_change_is_in_the_schema():
    stored = set(Case.__table__.columns.keys()) - {
        "id",
        "parcel_id",
        "version",
        "created_at",
        "updated_at",
    }
    assert stored <= set(schema.CASE.names())


def test_history_covers_every_editable_case_field():
    assert set(schema.CASE.names(editable=True)) <= set(schema.CASE.names(tracked=True))
    assert "status" not in schema.CASE.names(tracked=True)


def test_every_vocabulary_named_by_a_field_exists():
    named = {f.vocabulary for fs, _, _ in RECORDS for f in fs if f.vocabulary}
    assert named <= set(vocab.VOCABULARIES)


def test_every_field_has_both_labels_and_a_distinct_english_one():
    for fields, _, _ in RECORDS:
        for f in fields:
            assert f.zh and f.en and f.zh != f.en, f.name


def test_ledger_headers_carry_the_unit_they_are_shown_in():
    by_key = schema.BY_KEY
    assert by_key["idle_area_mu"].zh == "闲置/低效面积(亩)"
    assert by_key["idle_area_mu"].en == "Idle / low-efficiency area (mu)"
    assert by_key["idle_building_area_m2"].zh == "闲置厂房面积(㎡)"
    assert by_key["parcel_area_mu"].kind == "mu"
    assert by_key["deadline"].kind == "date"
    assert by_key["status"].vocabulary == "status"


def test_shapefile_names_fit_a_dbf_field_name_and_are_unique():
    columns = options.SHAPEFILE_COLUMNS
    for names, encoding in (
        (options.SHAPEFILE_FIELDS, "ascii"),
        (options.SHAPEFILE_FIELDS_ZH, "gbk"),
    ):
        assert len(set(names.values())) == len(columns)
        for name in names.values():
            assert len(name.encode(encoding)) <= options.DBF_NAME_BYTES, name


def test_exchange_layers_are_read_from_the_schema():
    assert exchange.CASE_FIELDS[:2] == ("case_no", "parcel_code")
    assert "next_step" not in exchange.CASE_FIELDS
    assert schema.PARCEL.names() == exchange.PARCEL_FIELDS


def test_land_and_floor_areas_are_told_apart():
    assert {"idle_area_m2", "revitalized_area_m2"} == schema.LAND_AREA_FIELDS
    assert {"idle_building_area_m2", "revitalized_building_area_m2"} == schema.FLOOR_AREA_FIELDS
