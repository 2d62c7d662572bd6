"""Database: engine set-up, the schema and its migrations."""
