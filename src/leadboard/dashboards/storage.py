"""Where dashboards come from: the built-in YAML files shipped with the package."""

from functools import cache

import yaml
from pydantic import ValidationError

from leadboard.dashboards.index import builtin_texts
from leadboard.dashboards.models import Dashboard


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
    return {slug: parse_dashboard(text, f"{slug}.yaml") for slug, text in builtin_texts().items()}
