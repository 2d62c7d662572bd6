"""Where dashboards come from: the built-in YAML files shipped with the package."""

from functools import cache
from importlib import resources

import yaml
from pydantic import ValidationError

from leadboard.dashboards.models import Dashboard

BUILTIN_ORDER = ("marketing", "lead-nurturing", "sales")


class DashboardDefinitionError(ValueError):
    """A dashboard file that does not validate; the message lists every problem with its path."""


def parse_dashboard(text: str, origin: str) -> Dashboard:
    try:
        return Dashboard.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        problems = [
            f"{origin}: {'.'.join(str(p) for p in error['loc']) or '(top)'}: {error['msg']}"
            for error in exc.errors()
        ]
        raise DashboardDefinitionError("\n".join(problems)) from None


@cache
def builtin_dashboards() -> dict[str, Dashboard]:
    folder = resources.files("leadboard.dashboards").joinpath("builtin")
    found = {}
    for slug in BUILTIN_ORDER:
        found[slug] = parse_dashboard(folder.joinpath(f"{slug}.yaml").read_text(), f"{slug}.yaml")
    return found
