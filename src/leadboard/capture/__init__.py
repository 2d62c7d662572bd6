"""Lead capture: the public form endpoint, the tracking script, hosted forms."""
