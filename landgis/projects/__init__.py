"""招商项目: the projects the park courts for its idle land and vacant factory space.

- :mod:`.records`: a project's record — number, investor, needs, preferred zones — and
  its stage (洽谈 → 签约 → 落地 → 投产), moved forward one at a time with its date;
- :mod:`.scoring`: the pure scoring of one candidate against a project's needs, with the
  reasons of every part;
- :mod:`.candidates`: the candidates the ledger and the standard factory buildings offer
  a project, gathered from the database and ranked;
- :mod:`.matches`: recording a match — the project onto a case, or a lease of units —
  through the ledger's own use cases.
"""
