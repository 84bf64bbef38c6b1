"""docs/cli.md documents every command and every option of the ``timeline`` command."""

from __future__ import annotations

import re
from pathlib import Path

import click

from timeline.cli import cli

DOC = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{path} "))
    return found


def test_every_command_and_option_is_documented() -> None:
    missing = []
    for path, command in [("", cli), *_commands(cli)]:
        shown = rf"timeline(?: --db \S+)? {re.escape(path)}(?![\w-])|`{re.escape(path)}`"
        if path and not re.search(shown, DOC):
            missing.append(f"command {path!r}")
        for param in command.params:
            for flag in param.opts if isinstance(param, click.Option) else ():
                if flag.startswith("--") and not re.search(rf"(?<![\w-]){flag}(?![\w-])", DOC):
                    missing.append(f"{path or 'timeline'} {flag}")
    assert not missing, "docs/cli.md does not document: " + ", ".join(missing)
