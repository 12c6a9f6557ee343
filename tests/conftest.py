"""Shared fixtures: one real spaCy pipeline per session, the fixture folder, and a CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

FIXTURES = Path(__file__).parent / "fixtures"
DYADS = Path(sys.executable).parent / "dyads"


@pytest.fixture(scope="session")
def pipeline():
    from dyads.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def rules_pipeline():
    """The rule coder alone (`--model rules`): tests of the lexicon and of the stages after
    coding (merging, clusters, queries, the API) read the demo articles as the rules code
    them, a fixed reading that does not move when the trained models are rebuilt."""
    from dyads.pipeline import Pipeline, PipelineConfig

    return Pipeline(PipelineConfig(coder="rules"))


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


# -- a real web server on 127.0.0.1 for feeds and pages ------------------------------

@pytest.fixture
def site():
    from support import LocalSite

    local = LocalSite()
    yield local
    local.close()


# -- fuzzing: hypothesis settings and a count of the inputs fuzzed ------------------------

# CI runs the same examples every time (a failure there is reproducible); locally they vary.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

FUZZED = {"run": 0, "passed": 0}


@pytest.fixture(scope="session")
def fuzzed() -> dict:
    """Count each fuzzed input: ``run`` when it starts, ``passed`` when it went through without raising."""
    return FUZZED


def pytest_terminal_summary(terminalreporter) -> None:
    if FUZZED["run"]:
        raised = FUZZED["run"] - FUZZED["passed"]
        terminalreporter.write_line(f"fuzzed inputs: {FUZZED['run']} run through ingest and the pipeline, {raised} raised")
