"""Domain logic: lead statuses, attribution (sources, channels), sales and currency rates."""
