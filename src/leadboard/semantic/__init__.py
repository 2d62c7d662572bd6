"""The semantic layer: catalog, periods, criteria, compiler (tile -> Select) and runner."""
