"""Fixtures for the executor tests: one Dask cluster for the whole folder, and no warm worker
processes left behind by a module."""

from __future__ import annotations

import pytest

from scanlab.executors import shutdown_workers


@pytest.fixture(scope="session")
def dask_client():
    """A Client of a two-process LocalCluster, started once (about a second)."""
    import distributed  # a test extra: missing it is an install error, not a skip

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(autouse=True, scope="module")
def _stop_warm_workers_after_the_module():
    """Warm workers speed up the tests of one module; the next module starts clean."""
    yield
    shutdown_workers()
