"""Leadboard: self-hosted lead analytics."""

__version__ = "0.1.0"
