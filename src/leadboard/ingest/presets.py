"""Presets: mapping files for known export formats, shipped in presets/*.yaml."""

from functools import cache
from importlib import resources

from leadboard.ingest.mapping import Mapping, MappingError
from leadboard.ingest.mapping_file import load_mapping


def preset_names() -> list[str]:
    folder = resources.files("leadboard.ingest").joinpath("presets")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def preset_text(name: str) -> str:
    if name not in preset_names():
        raise MappingError([f"no preset {name!r} (presets: {', '.join(preset_names())})"])
    path = resources.files("leadboard.ingest").joinpath("presets", f"{name}.yaml")
    return path.read_text("utf-8")


@cache
def load_preset(name: str) -> Mapping:
    return load_mapping(preset_text(name), f"preset {name}")
