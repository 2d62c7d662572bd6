"""`leadboard tokens` commands."""
