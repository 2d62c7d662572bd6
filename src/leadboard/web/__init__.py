"""HTTP: the JSON API (api/) and, later, server-rendered pages."""
