"""The ledger's rules, each defined once, as SQL and, where Python needs it, as its twin.

- :mod:`~landgis.ledger_rules.overdue`: whether a case is overdue (逾期) on a date.
- :mod:`~landgis.ledger_rules.current_case`: which case of a parcel is its current one.
- :mod:`~landgis.ledger_rules.selection`: which cases a (filtered) ledger holds.
- :mod:`~landgis.ledger_rules.totals`: the ledger's totals (宗数, 亩, floor areas, 逾期) and
  the one rule by which a total is rounded.

"Today" is :func:`landgis.wallclock.today`. ``tests/db/test_rules_twins.py`` holds each SQL
form equal to its Python twin on both backends. This package imports nothing itself, so
the pure statutory clock can use the overdue rule without loading the database layer.
"""
