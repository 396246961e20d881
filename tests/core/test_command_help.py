"""Every management command of the platform prints its help (``dangjian generate --help``).

Help texts given to argparse as lazy translations crashed it (``TypeError: expected string or
bytes-like object, got '__proxy__'``): an operator asking how to add a generator step got a
traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import load_command_class

import dangjian

SOURCE = Path(dangjian.__file__).resolve().parent
COMMANDS = sorted(
    (path.parents[2].name, path.stem)
    for path in SOURCE.glob("*/management/commands/*.py")
    if not path.stem.startswith("_")
)


def test_the_platform_has_commands():
    assert ("core", "generate") in COMMANDS


@pytest.mark.parametrize(("app", "name"), COMMANDS)
def test_the_command_prints_its_help(app, name):
    command = load_command_class(f"dangjian.{app}", name)
    text = command.create_parser("dangjian", name).format_help()
    assert f"dangjian {name}" in text
    assert "--help" in text
