"""Shared fixtures of the importer tests: the synthetic tenants and their import."""
from __future__ import annotations

from pathlib import Path

import pytest
from tenant_helpers import AS_OF, FIXTURES

from planner.catalog.load import load_catalog
from planner.importer import import_tenant


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def tenant_a() -> Path:
    return FIXTURES / "tenant_a"


@pytest.fixture(scope="session")
def tenant_b() -> Path:
    return FIXTURES / "tenant_b"


@pytest.fixture(scope="session")
def tenant_c() -> Path:
    """A Polish-language admin center export (BOM, CRLF) with one unknown licence name."""
    return FIXTURES / "tenant_c"


@pytest.fixture(scope="session")
def result_a(tenant_a):
    """tenant_a imported by department without folding (every persona kept)."""
    return import_tenant([tenant_a], as_of=AS_OF, min_group_size=1)

