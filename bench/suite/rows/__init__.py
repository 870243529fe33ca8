"""One module per row of the results table; each exposes ``run(ctx) -> list[Line]``."""
