"""One user's screen preferences (the theme), kept in the user's config folder, not in the shared database."""

from __future__ import annotations

import os
from pathlib import Path


def config_folder() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "annotator"


def saved_theme() -> str | None:
    try:
        return (config_folder() / "theme").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def save_theme(name: str) -> None:
    """Remember the theme; a read-only home simply does not remember."""
    try:
        folder = config_folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "theme").write_text(name + "\n", encoding="utf-8")
    except OSError:
        pass
