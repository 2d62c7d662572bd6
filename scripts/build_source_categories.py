"""Regenerate src/leadboard/data/source_categories.csv from Google's GA4 source-category list.

Usage: python scripts/build_source_categories.py ../shared/realdata/ga4-source-categories/ga4_source_categories.csv
"""

import csv
import sys
from pathlib import Path

HEADER = """\
# GA4 source categories (search, social, shopping, video), as used by the default channel group.
# Facts from Google Analytics Help, "[GA4] Default channel group" (support.google.com/analytics/answer/9756891),
# via the list carried by Velir/dbt-ga4 (MIT, Copyright (c) 2022 Adam Ribaudo), seeds/ga4_source_categories.csv.
# Regenerate with: python scripts/build_source_categories.py PATH/TO/ga4_source_categories.csv
"""
TARGET = Path(__file__).parent.parent / "src/leadboard/data/source_categories.csv"


def main(source_csv: str) -> None:
    with open(source_csv, newline="") as handle:
        rows = [
            (row["source"].strip().lower(), row["source_category"].removeprefix("SOURCE_CATEGORY_"))
            for row in csv.DictReader(handle)
        ]
    lines = [HEADER, "source,category\n"]
    lines += [f"{source},{category.lower()}\n" for source, category in sorted(rows)]
    TARGET.write_text("".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
