"""Dashboards and tiles: typed definitions, the built-in ones as YAML, and their storage."""
