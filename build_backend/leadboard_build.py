"""Build backend: setuptools, but a wheel or sdist is never built without the browser libraries.

The pages need the pinned npm packages (ECharts, gridstack, htmx, Swagger UI) that `make setup`
copies into src/leadboard/web/static/vendor. A package built without them would show dashboards
without charts, so building one stops with a message instead. Editable installs (`make setup`
itself) are not checked: the copy is made after them.
"""

from pathlib import Path
from typing import Any

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403 - every other hook as setuptools has it

VERSIONS = Path(__file__).parent.parent / "src/leadboard/web/static/vendor/VERSIONS"


def _require_vendor() -> None:
    if not VERSIONS.exists():
        raise SystemExit(
            "error: the browser libraries are missing from src/leadboard/web/static/vendor; "
            "run `make setup` (npm ci, scripts/vendor-assets) before building the package"
        )


def build_wheel(
    wheel_directory: str, config_settings: Any = None, metadata_directory: Any = None
) -> str:
    _require_vendor()
    return build_meta.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory: str, config_settings: Any = None) -> str:
    _require_vendor()
    return build_meta.build_sdist(sdist_directory, config_settings)
