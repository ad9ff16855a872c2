"""Where batch tasks run: local worker processes, a Dask LocalCluster, or a running Dask scheduler.

Dask (`dask.distributed`) is used as is; the only setting changed is the one the scale issue measured:
`distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_ = None` (the default doubles the CPU cost of
NumPy temporaries in this workload).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from ipexpath.errors import InputError

R = TypeVar("R")
CONNECT_TIMEOUT_S = 10


def parse_scheduler(text: str) -> tuple[str, str | None]:
    """('local' | 'dask-local' | 'dask', address) from the --scheduler value."""
    if text in ("local", "dask-local"):
        return text, None
    if text.startswith("dask://") or text.startswith("tcp://"):
        address = "tcp://" + text.split("://", 1)[1]
        return "dask", address
    raise InputError(
        f"--scheduler '{text}' is not understood.",
        "Use local, dask-local or dask://HOST:PORT (a running dask-scheduler).",
    )


def _dask_config() -> None:
    import dask

    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})


@contextlib.contextmanager
def executor(kind: str, address: str | None, workers: int, env: dict[str, str]) -> Iterator[Any]:
    """A context yielding an object with `submit(fn, *args)` and `wait_first(pending)`.

    `local` with one worker runs tasks in this process; more workers are spawned processes."""
    if kind == "local" and workers == 1:
        yield _Inline()  # one worker: run in this process (no start-up, no pickling)
        return
    if kind == "local":
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_quiet_on_ctrl_c
        ) as pool:
            yield _Local(pool)
        return
    _dask_config()
    from distributed import Client, LocalCluster

    if kind == "dask-local":
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, env=env
            ) as cluster,
            Client(cluster) as client,
        ):
            yield _Dask(client)
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"The Dask scheduler at {address} could not be reached: {exc}.",
            "Start it with `dask-scheduler` (and `dask-worker ADDRESS`), or use --scheduler local.",
        ) from exc
    with client:
        yield _Dask(client)


def _quiet_on_ctrl_c() -> None:
    """In a worker: Ctrl-C (sent to the whole process group) ends it at once and silently; the main process
    reports the interruption once, instead of one traceback per worker."""
    import signal

    signal.signal(signal.SIGINT, lambda _signum, _frame: os._exit(130))


class _Inline:
    """Runs each task at submission, in the calling process."""

    def submit(self, fn: Callable[..., R], *args: Any) -> Any:
        from concurrent.futures import Future

        future: Future[R] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    def wait_first(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        return set(pending), set()


class _Local:
    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool

    def submit(self, fn: Callable[..., R], *args: Any) -> Any:
        return self.pool.submit(fn, *args)

    def wait_first(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(rest)


class _Dask:
    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., R], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait_first(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        from distributed import wait as dask_wait

        done, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)
