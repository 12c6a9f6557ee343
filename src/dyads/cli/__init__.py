"""`dyads` command line. Each command module registers itself on ``app``."""
from __future__ import annotations

import importlib

from dyads.cli.app import app

# Command modules, one per area; importing them registers their commands.
_COMMAND_MODULES = ("coding", "watch", "evaluation", "timecmds", "geocmds", "analysis", "serving", "dictcmds", "benchcmds", "corpuscmds", "traincmds", "gazetteercmds")


def _register() -> None:
    for name in _COMMAND_MODULES:
        try:
            importlib.import_module(f"dyads.cli.{name}")
        except ModuleNotFoundError as exc:  # a module not written yet
            if exc.name != f"dyads.cli.{name}":
                raise


def main() -> None:
    _register()
    app()
