"""CSV import: mappings, presets for known formats, normalisation."""
