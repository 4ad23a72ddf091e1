"""APC meetings: membership, the bimonthly cycle, emergency meetings, agendas, attendance,
minutes, decisions and action items (seeds/000, "Crisis Response Structure and Process",
recommendation 4-1). Part of the `apc` app (DESIGN.md: "Meetings" belong to the committee)."""
