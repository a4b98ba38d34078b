"""Shared fixtures: the project's own settings, and one validated store built for the whole session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser

from ilrs_kg.build import build_store
from ilrs_kg.settings import Settings, default_root
from ilrs_kg.store import load_in_memory
from tests.fixtures.browser import chromium
from tests.fixtures.sparql.support import Served, serving

PROJECT_ROOT = default_root()


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real data, validated and built once into a temporary build directory."""
    settings = Settings(root=PROJECT_ROOT, build_dir=tmp_path_factory.mktemp("build"))
    build_store(settings)
    return settings


@pytest.fixture(scope="session")
def graph(built_settings: Settings) -> ox.Store:
    return load_in_memory(built_settings)


def copy_project(destination: Path) -> Path:
    """A private copy of ontology/, data/ and shapes/ that a test may break."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / name, destination / name)
    return destination


@pytest.fixture(scope="session")
def client_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One `ilrs-kg serve` over the SPARQL fixture project for every real-client test (test_client_*)."""
    with serving(
        tmp_path_factory.mktemp("clients-build"), "--http-processes", "1", "--workers", "2"
    ) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one per test module (tests.fixtures.browser)."""
    with chromium() as launched:
        yield launched
