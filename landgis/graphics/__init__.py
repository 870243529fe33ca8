"""Pictures for printed documents, drawn offline with matplotlib's Agg renderer: a figure
of an exact size in millimetres (:mod:`.canvas`) and the CJK font its texts use
(:mod:`.fonts`). Every figure is its own object (no pyplot state), so pictures can be drawn
in a server's threads at once."""
