"""The import graph of src/leadboard (issue 9 item 2): no package cycle, and imports go one way
only, from a higher layer to a lower one. Every import counts, also those inside functions and
under TYPE_CHECKING (they are the same dependency, loaded later).

The layers, lowest first (a package may import the layers below its own, never its own layer's
other packages nor a higher one):

   -1  errors                the error types every layer raises
    0  leaf modules: countries, languages, clock, settings, the package root (__version__)
    1  db, i18n              tables; the word catalogue and Babel formats
    2  auth                  passwords, tokens, sessions: tables only
    3  domain                rules and writes
    4  semantic              tile spec -> plan -> executor -> typed results
    4  ingest, demo          write paths into domain (beside semantic: never into it)
    5  dashboards            definitions and the service that web and CLI call
    6  web                   JSON API, pages, presentation
    7  capture               the public write path over HTTP (uses the pages' session helpers)
    8  app                   create_app: wires web and capture
    9  cli, then __main__    the commands (serve starts the app)

Write paths never import the semantic layer nor dashboards (DESIGN.md 2), at any distance of one
import; capture sits above web only for the page helpers it shares.
"""

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "leadboard"
LAYERS: dict[str, int] = {
    "errors": -1,
    "countries": 0,
    "languages": 0,
    "clock": 0,
    "settings": 0,
    "i18n": 1,
    "(root)": 0,
    "db": 1,
    "auth": 2,
    "domain": 3,
    "semantic": 4,
    "ingest": 4,
    "demo": 4,
    "dashboards": 5,
    "web": 6,
    "capture": 7,
    "app": 8,
    "cli": 9,
    "__main__": 10,
}
WRITE_PATHS = ("capture", "ingest", "demo")
READ_SIDE = ("semantic", "dashboards")


def package_of(module: str) -> str:
    """leadboard.semantic.plan -> semantic; leadboard.app -> app; leadboard -> (root)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "(root)"
    name = parts[1]
    if (SRC / name).is_dir() or (SRC / f"{name}.py").exists():
        return name
    return "(root)"  # a name defined in leadboard/__init__.py (from leadboard import __version__)


def module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> list[tuple[str, int]]:
    """Every leadboard module `path` imports (absolute or relative), with the line."""
    module = module_name(path)
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "leadboard":  # from leadboard import app, cli, ...
                found += [(f"leadboard.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((target, node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] == "leadboard"]


def package_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        source = package_of(module_name(path))
        for target, line in imported(path):
            goal = package_of(target)
            if goal != source:
                edges[source].add(goal)
                where[(source, goal)].append(f"{path.relative_to(SRC.parent)}:{line} -> {target}")
    return edges, where


def shown(edges: dict[str, set[str]]) -> str:
    """The graph, one package a line, by layer."""
    order = sorted(edges.keys() | {t for ts in edges.values() for t in ts}, key=rank_and_name)
    return "\n".join(
        f"  [{LAYERS.get(p, '?')}] {p} -> {', '.join(sorted(edges.get(p, ()), key=rank_and_name))}"
        for p in order
    )


def rank_and_name(package: str) -> tuple[int, str]:
    return (LAYERS.get(package, 99), package)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_package_has_a_layer() -> None:
    edges, _ = package_graph()
    packages = edges.keys() | {t for ts in edges.values() for t in ts}
    assert packages <= LAYERS.keys(), f"no layer for {sorted(packages - LAYERS.keys())}"


def test_no_package_cycle() -> None:
    edges, where = package_graph()
    found = cycles(edges)
    detail = [line for c in found for a in c for b in c for line in where.get((a, b), [])]
    assert not found, f"package cycles {found}:\n" + "\n".join(detail) + "\n" + shown(edges)


def test_imports_go_from_higher_layers_to_lower_ones() -> None:
    edges, where = package_graph()
    wrong = []
    for source, targets in edges.items():
        for target in targets:
            up = LAYERS.get(target, 99) >= LAYERS.get(source, -1)
            into_read_side = source in WRITE_PATHS and target in READ_SIDE
            if up or into_read_side:
                wrong += where[(source, target)]
    assert not wrong, (
        "imports against the layers:\n" + "\n".join(sorted(wrong)) + "\n\ngraph:\n" + shown(edges)
    )


def test_the_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    """The AST walk finds an import in a function body and a relative one."""
    sample = SRC / "cli" / "dashboards.py"  # imports the service inside its commands
    targets = {name for name, _ in imported(sample)}
    assert "leadboard.dashboards.service" in targets
    assert package_of("leadboard.semantic.executors.base") == "semantic"
    assert package_of("leadboard.__version__") == "(root)"


def test_web_and_cli_go_through_services_never_through_tables() -> None:
    """Pages, the API and the commands call the domain, dashboards and auth layers; none of
    their modules imports the tables (issue 9 item 2)."""
    offenders = [
        f"{path.relative_to(SRC.parent)}:{line}"
        for folder in ("web", "cli")
        for path in sorted((SRC / folder).rglob("*.py"))
        for name, line in imported(path)
        if name == "leadboard.db.schema"
    ]
    assert not offenders, "modules that query tables themselves:\n" + "\n".join(offenders)
