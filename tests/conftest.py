"""Shared fixtures: one real spaCy pipeline per session, the fixture folder, and a CLI runner."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DYADS = Path(sys.executable).parent / "dyads"


@pytest.fixture(scope="session")
def pipeline():
    from dyads.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def run_dyads(*args, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real `dyads` command as a subprocess; stdout/stderr decoded as text."""
    proc = subprocess.run([str(DYADS), *map(str, args)], input=input, capture_output=True, cwd=cwd, timeout=300)
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.fixture(scope="session")
def dyads():
    return run_dyads
