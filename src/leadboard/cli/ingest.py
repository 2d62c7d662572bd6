"""`leadboard ingest` commands."""
