"""Per-mu performance evaluation (亩均效益评价): enterprises' yearly figures joined to the
parcels they hold, the indicators per 亩, a weighted score against the county's
benchmarks, the classes A-D, and the suggested low-efficiency cases they feed the ledger.

- :mod:`.indicators`: what each indicator is, its default weight, cap and unit;
- :mod:`.rules`: the county's settings of the evaluation (weights, benchmarks, caps,
  thresholds, which classes are suggested);
- :mod:`.holdings` and :mod:`.land`: which parcels an enterprise holds, one by one and for
  whole years of figures at once;
- :mod:`.figures`: the yearly figures as read for the evaluation;
- :mod:`.scoring`: indicators, benchmarks, scores and classes on whole columns;
- :mod:`.evaluation`: a year's evaluation (``evaluate``), with the year before;
- :mod:`.report`: an evaluation as JSON-ready data;
- :mod:`.summary`: an evaluation summed up by class and zone (enterprises, 亩).
"""
