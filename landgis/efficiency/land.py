"""Each enterprise's land, for whole years of figures at once: the parcels it holds, by
credit code, else by name as a clerk reads it (:mod:`landgis.efficiency.holdings`), with
joins over whole columns, so a province's million parcels are matched in seconds. The
evaluation and the import of figures both match this way.

Names and codes are compared as keys (:func:`name_keys`, :func:`code_keys`); each
distinct key is numbered once (:class:`KeyedHoldings`) and the joins are on the numbers.
"""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landgis.units import m2_to_mu

# One row per enterprise (row of figures) and parcel it holds (``position``: the
# parcel's row in the holdings).
LINK_COLUMNS = ["figure_id", "parcel_id", "matched_by", "position"]
# What :func:`land_of_enterprises` gives per enterprise.
LAND_COLUMNS = [
    "figure_id",
    "parcel_ids",
    "parcel_codes",
    "zone",
    "matched_by",
    "area_m2",
    "area_mu",
]
ZONE_SEPARATOR = "、"


def _key(text: str, upper: bool) -> str:
    key = "".join(unicodedata.normalize("NFKC", text).split())
    return key.upper() if upper else key


def _numbered(values: pd.Series, *, upper: bool = False) -> tuple[np.ndarray, pd.Index]:
    """Each value's key (NFKC, no spaces, maybe upper case) as a number among the
    distinct keys (-1 for none or ""), and those keys. Each distinct value is normalised
    once: a million parcels of a few hundred thousand holders cost a few hundred thousand
    normalisations."""
    positions, distinct = pd.factorize(values, use_na_sentinel=True)
    keys = pd.Series([_key(str(value), upper) for value in distinct.tolist()], dtype=object)
    key_ids, key_index = pd.factorize(keys.where(keys != ""), use_na_sentinel=True)
    # position -1 (no value) takes the -1 appended last
    return np.append(key_ids, -1)[positions], pd.Index(key_index, dtype=object)


def _keys(values: pd.Series, *, upper: bool) -> pd.Series:
    ids, index = _numbered(values, upper=upper)
    table = np.append(index.to_numpy(dtype=object), "")
    return pd.Series(table[ids], index=values.index, dtype=object)


def name_keys(names: pd.Series) -> pd.Series:
    """Names as :func:`landgis.efficiency.holdings.name_key` compares them (NFKC, no
    spaces; "" for none), a column at a time."""
    return _keys(names, upper=False)


def code_keys(codes: pd.Series) -> pd.Series:
    """Credit codes as :func:`landgis.efficiency.holdings.code_key` compares them (as
    names, in upper case)."""
    return _keys(codes, upper=True)


@dataclass(frozen=True)
class KeyedHoldings:
    """The parcels (:func:`~landgis.efficiency.holdings.parcel_holdings`, in their order)
    as arrays, their holders' codes, names and zones numbered: ``code_ids``, ``name_ids``
    and ``zone_ids`` number each distinct key or zone (-1 for none); ``codes``, ``names``
    and ``zones`` are what is numbered."""

    parcel_ids: np.ndarray
    parcel_codes: np.ndarray
    areas_m2: np.ndarray
    code_ids: np.ndarray
    name_ids: np.ndarray
    zone_ids: np.ndarray
    codes: pd.Index
    names: pd.Index
    zones: pd.Index

    @classmethod
    def of(cls, holdings: pd.DataFrame) -> KeyedHoldings:
        """Number the keys of ``holdings`` (done once for all the years evaluated)."""
        code_ids, codes = _numbered(holdings["credit_code"], upper=True)
        name_ids, names = _numbered(holdings["holder"])
        zone_ids, zones = pd.factorize(holdings["zone"], use_na_sentinel=True)
        return cls(
            parcel_ids=holdings["parcel_id"].to_numpy(dtype=np.int64),
            parcel_codes=holdings["parcel_code"].to_numpy(dtype=object),
            areas_m2=holdings["area_m2"].to_numpy(dtype=float),
            code_ids=code_ids,
            name_ids=name_ids,
            zone_ids=np.asarray(zone_ids),
            codes=codes,
            names=names,
            zones=pd.Index(zones, dtype=object),
        )


def _linked(wanted: np.ndarray, figure_ids: np.ndarray, held: np.ndarray) -> pd.DataFrame:
    """(figure_id, parcel position) pairs where a figure's key number ``wanted`` is a
    parcel's ``held`` (numbers -1 never match)."""
    left = pd.DataFrame({"figure_id": figure_ids, "key": wanted})
    right = pd.DataFrame({"position": np.arange(len(held)), "key": held})
    return left[left["key"] >= 0].merge(right[right["key"] >= 0], on="key")


def holding_links(figures: pd.DataFrame, keyed: KeyedHoldings) -> pd.DataFrame:
    """Which parcels each row of ``figures`` holds (:data:`LINK_COLUMNS`, by figure and
    parcel order): those recorded with its credit code; for a row without a code, or whose
    code no parcel has, those whose holder is written as its name. ``figures`` may carry
    its keys (``code_key``, ``name_key``); else they are made here."""
    codes = figures["code_key"] if "code_key" in figures else code_keys(figures["credit_code"])
    names = figures["name_key"] if "name_key" in figures else name_keys(figures["name"])
    ids = figures["figure_id"].to_numpy(dtype=np.int64)
    by_code = _linked(keyed.codes.get_indexer(codes.to_numpy(dtype=object)), ids, keyed.code_ids)
    rest = ~np.isin(ids, by_code["figure_id"].to_numpy())
    wanted = keyed.names.get_indexer(names.to_numpy(dtype=object)[rest])
    by_name = _linked(wanted, ids[rest], keyed.name_ids)
    figure_ids = np.concatenate([by_code["figure_id"].to_numpy(), by_name["figure_id"].to_numpy()])
    positions = np.concatenate([by_code["position"].to_numpy(), by_name["position"].to_numpy()])
    how = np.repeat(np.array(["code", "name"], dtype=object), [len(by_code), len(by_name)])
    order = np.lexsort((positions, figure_ids))
    return pd.DataFrame(
        {
            "figure_id": figure_ids[order],
            "parcel_id": keyed.parcel_ids[positions[order]],
            "matched_by": how[order],
            "position": positions[order],
        },
        columns=LINK_COLUMNS,
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Without Python's cyclic garbage collector for a moment: making a small list per
    enterprise otherwise sets it walking every live object again and again (seconds for a
    province); nothing made here holds a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _runs(values: list[object], starts: np.ndarray) -> list[list[object]]:
    """``values`` cut into runs at ``starts`` (none when there are no starts)."""
    if not len(starts):
        return []
    bounds = zip(starts.tolist(), [*starts[1:].tolist(), len(values)], strict=True)
    with _no_cycle_collection():
        return [values[start:end] for start, end in bounds]


def _zone_names(figure_ids: np.ndarray, zone_ids: np.ndarray, zones: pd.Index) -> pd.Series:
    """Per figure, the distinct names of the zones of its parcels, joined by "、"."""
    known = zone_ids >= 0
    width = len(zones) + 1
    pairs = np.unique(figure_ids[known] * width + zone_ids[known])
    holders, starts = np.unique(pairs // width, return_index=True)
    names = zones.to_numpy(dtype=object)[pairs % width].tolist()
    joined = [ZONE_SEPARATOR.join(map(str, run)) for run in _runs(names, starts)]
    return pd.Series(joined, index=holders, dtype=object)


def land_of_enterprises(figures: pd.DataFrame, keyed: KeyedHoldings) -> pd.DataFrame:
    """Per row of ``figures`` that holds land (:data:`LAND_COLUMNS`): its parcels' ids and
    codes in the order of the holdings, the names of their zones (distinct, joined by
    "、"), how they were found, and their area in m² and 亩 (1 亩 = 2000/3 m²)."""
    links = holding_links(figures, keyed)
    if links.empty:
        return pd.DataFrame(columns=LAND_COLUMNS)
    ids = links["figure_id"].to_numpy()
    positions = links["position"].to_numpy()
    holders, starts = np.unique(ids, return_index=True)
    area_m2 = np.add.reduceat(keyed.areas_m2[positions], starts)
    land = pd.DataFrame(
        {
            "figure_id": holders,
            "parcel_ids": _runs(keyed.parcel_ids[positions].tolist(), starts),
            "parcel_codes": _runs(keyed.parcel_codes[positions].tolist(), starts),
            "matched_by": links["matched_by"].to_numpy()[starts],
            "area_m2": area_m2,
            "area_mu": m2_to_mu(area_m2),
        }
    )
    land["zone"] = land["figure_id"].map(_zone_names(ids, keyed.zone_ids[positions], keyed.zones))
    return land[LAND_COLUMNS]
