"""The semantic layer, in stages: spec (tile, criteria, quick filters, rights scope) -> plan (the
queries, pure) -> an executor (executors/) -> typed results. Also the catalog of fields, periods,
criteria, row keys and the reference data (lookups) a run needs."""
