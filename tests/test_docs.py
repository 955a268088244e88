"""Every setting, command and stage is documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from redefection.cli import cli
from redefection.settings import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _docs() -> str:
    return "\n".join(path.read_text("utf-8") for path in DOCS.glob("*.md"))


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text("utf-8")
    for field in dataclasses.fields(Settings):
        assert f"`{field.name}`" in text, field.name


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text("utf-8")
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"## {name}" in text, name


def test_every_default_stage_is_documented() -> None:
    text = _docs()
    for stage in Settings().stages:
        assert f"## {stage}" in text, stage
