"""Tests of the semantic layer that need no database: plans and their SQL."""
