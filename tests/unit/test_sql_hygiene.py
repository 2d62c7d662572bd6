"""Values are bound and identifiers come from the catalog: no SQL text in the semantic layer."""

import ast
from pathlib import Path

import leadboard

SEMANTIC = Path(leadboard.__file__).parent / "semantic"
# sqlalchemy helpers that turn strings into SQL; `column`/`table` would make ad-hoc identifiers.
FORBIDDEN = {"text", "literal_column", "exec_driver_sql", "column", "table"}
FORBIDDEN_CALLS = {"text", "literal_column", "exec_driver_sql"}


def test_semantic_layer_builds_no_sql_from_strings() -> None:
    offences = []
    for path in sorted(SEMANTIC.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("sqlalchemy")
            ):
                offences += [
                    f"{path.name}: imports {a.name}" for a in node.names if a.name in FORBIDDEN
                ]
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_CALLS:
                offences.append(f"{path.name}:{node.lineno}: uses .{node.attr}")
    assert not offences, offences
    assert len(list(SEMANTIC.glob("*.py"))) >= 8  # the check looked at the real modules
