"""`leadboard channels` commands."""
