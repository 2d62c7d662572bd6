"""Server-rendered pages (Jinja2 + htmx); each page has a JSON twin."""
