"""The README documents every command, every option of every command and every setting."""

import re
from pathlib import Path
from typing import Any

import typer

from leadboard.cli import app
from leadboard.settings import Settings

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def commands(group: Any, prefix: str = "leadboard") -> dict[str, Any]:
    """Every command by its full name (Typer carries its own copy of click: duck-typed)."""
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            found.update(commands(command, path))
        else:
            found[path] = command
    return found


ALL = commands(typer.main.get_group(app))


def test_there_are_commands_to_check() -> None:
    assert {"leadboard demo", "leadboard dashboard show", "leadboard channels reapply"} <= set(ALL)


def test_every_command_is_in_the_readme() -> None:
    missing = [path for path in ALL if f"`{path}" not in README]
    assert not missing, f"commands without a README entry: {missing}"


def test_every_option_is_in_the_readme() -> None:
    missing = []
    for path, command in ALL.items():
        for param in command.params:
            if param.param_type_name != "option":
                continue
            flags = [*param.opts, *param.secondary_opts]
            if "--help" in flags:
                continue
            # Each option is named in the README (in the command's row or its section).
            if not any(re.search(rf"{re.escape(flag)}(?![\w-])", README) for flag in flags):
                missing.append(f"{path} {'/'.join(flags)}")
    assert not missing, f"options without a README mention: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    names = [f"LEADBOARD_{name.upper()}" for name in Settings.names()]
    missing = [name for name in names if f"`{name}`" not in README]
    assert not missing, f"settings without a README row: {missing}"
