"""Run a scan on a Dask cluster: the same tasks as on local cores, one Dask task each.

Why Dask: it is pure Python and pip-installable (no JVM as for Spark, no
separate runtime as for Ray), its local mode (``LocalCluster``) has exactly
the API of a real cluster, so the test suite runs the cluster code path, and it
reads object stores through fsspec, which the WARC reader already uses. Each
worker builds the pipeline and prefilter once (``scan._worker`` is cached per
process) and reads its archive straight from the store or bucket; only the
small results (counts, relevant records) travel back to the client, which
writes them to the store or to Parquet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigError
from ..settings import Settings
from .tasks import Executor, ScanTask, TaskResult, scan_task

logger = logging.getLogger(__name__)

# Tasks in flight at once per worker thread: enough to keep workers busy, few enough that a scan of
# a million archives does not hold a million futures.
IN_FLIGHT_PER_THREAD = 4


def _client(address: str) -> tuple[Any, Any]:
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError("--dask", "Dask is not installed: pip install 'redefection[dask]'") from exc
    dask: Any = distributed  # partly typed upstream: treat it as untyped
    if address == "local":
        # One single-threaded worker process per core: the pipeline is Python, threads would share one GIL.
        cluster = dask.LocalCluster(threads_per_worker=1, dashboard_address=None)
        return dask.Client(cluster), cluster
    if address == "local-threads":  # in-process, for tests and small machines: no worker processes to start
        cluster = dask.LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None)
        return dask.Client(cluster), cluster
    try:
        return dask.Client(address), None
    except (OSError, ValueError) as exc:
        raise ConfigError("--dask", f"cannot reach the Dask scheduler at {address}: {exc}") from exc


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the Dask scheduler at ``address`` ("tcp://host:8786"), or a new ``local`` cluster.

    ``local-threads`` runs one in-process worker with two threads (tests).
    """
    client, cluster = _client(address)

    def run(tasks: Sequence[ScanTask], settings: Settings) -> Iterator[TaskResult]:
        import distributed

        completed: Any = distributed.as_completed
        threads = max(1, sum(client.nthreads().values()))
        pending = iter(tasks)
        first = [task for _, task in zip(range(threads * IN_FLIGHT_PER_THREAD), pending, strict=False)]
        queue = completed([client.submit(scan_task, task, settings, pure=False) for task in first])
        for future in queue:
            result: TaskResult = future.result()
            future.release()
            following = next(pending, None)
            if following is not None:
                queue.add(client.submit(scan_task, following, settings, pure=False))
            yield result

    try:
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["dask_executor"]
