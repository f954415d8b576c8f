"""Every command has help and appears in the README."""

import re
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from vvalley.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def command_paths(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if hasattr(command, "commands"):  # a sub-app such as `query`
            yield from command_paths(command, path)
        else:
            yield path


COMMANDS = list(command_paths(typer.main.get_command(app)))


def test_the_main_commands_exist():
    names = {" ".join(p) for p in COMMANDS}
    assert {"validate", "build"} <= names


def test_every_command_has_help():
    runner = CliRunner()
    for path in COMMANDS:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        command = typer.main.get_command(app)
        for part in path:
            command = command.commands[part]
        assert command.help and len(command.help.strip()) > 10, f"{' '.join(path)} has no help text"


def test_every_command_appears_in_the_readme():
    for path in COMMANDS:
        usage = "vvalley " + " ".join(path)
        assert re.search(re.escape(usage) + r"\b", README), f"README does not mention `{usage}`"
