"""Golden files: output compared byte for byte with a file kept in the repository.

The golden JSON of the dashboards (tests/db/golden/) and the SQL snapshots of the tiles
(tests/semantic/snapshots/) use this. They are written by today's code and must not change unless
a change of the output is intended. Then, and only then, regenerate them:

    LEADBOARD_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/db/test_dashboard_json_golden.py \
        tests/semantic/test_sql_snapshots.py

and review the diff (`git diff tests/db/golden tests/semantic/snapshots`) before committing it.
Where one file serves several engines, the first engine to run writes it and the others must
give the same bytes, so a difference between engines still fails while writing.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest

WRITE = os.environ.get("LEADBOARD_WRITE_GOLDEN") == "1"
_written: dict[Path, str] = {}  # files written in this session (write mode only)


def golden_json(value: Any) -> str:
    """The form golden JSON is kept in: the API's JSON, indented, keys in their given order."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def assert_golden(path: Path, text: str) -> None:
    """`text` equals the file at `path` byte for byte (or becomes it, in write mode)."""
    if WRITE and path not in _written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        _written[path] = text
        return
    if not path.exists():
        pytest.fail(
            f"no golden file {path}; write it with LEADBOARD_WRITE_GOLDEN=1 (see tests/golden.py)"
        )
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        import difflib

        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    str(path),
                    "now",
                    n=2,
                )
            )[:80]
        )
        pytest.fail(f"output differs from {path} (first 80 diff lines):\n{diff}")
