"""Serving the web app: gunicorn's pre-fork workers, or waitress in one process.

One Python process serves one request's Python at a time (the GIL), so
``serve`` runs one gunicorn worker process per core by default, each with its
own threads and its own open :class:`search.Index` (opened after the fork, so
no file handle or lock is shared). Each worker follows new commits on disk, as
one process does. Where there is no ``fork()`` (Windows) or one worker is asked
for, waitress serves in this process.
"""

from __future__ import annotations

import gc
import importlib
import os
from pathlib import Path
from typing import Any

from search.extract.gazetteer import gazetteer
from search.searcher import open_index
from search.web.app import make_app

__all__ = ["default_workers", "serve"]


def default_workers() -> int:
    return (os.cpu_count() or 1) if hasattr(os, "fork") else 1


def serve(
    index_dir: str | Path,
    host: str,
    port: int,
    *,
    workers: int,
    threads: int,
    corrections: str | Path | None = None,
) -> None:
    """Serve the index until interrupted. Open it once before calling this, so that a
    missing or damaged index stops with its message before any worker starts.
    ``corrections``: the article folder, to take corrections from the article page
    (:func:`search.web.make_app`); read-only without it."""
    if corrections:
        # A correction re-indexes its article while holding the index's write lock;
        # loading the gazetteer then (2-3 s, the first time in each worker) kept other
        # workers' corrections waiting. Loaded here, before gunicorn forks its workers,
        # with the HTML reader (imported on first use).
        gazetteer()
        importlib.import_module("search.html")
    if workers <= 1 or not hasattr(os, "fork"):
        import waitress

        with open_index(index_dir) as ix:
            ix.warm()
            _settle()
            app = make_app(ix, corrections=corrections)
            waitress.serve(app, host=host, port=port, threads=threads, ident="news-search")
        return
    _gunicorn_app(index_dir, host, port, workers, threads, corrections).run()


def _gunicorn_app(
    index_dir: str | Path,
    host: str,
    port: int,
    workers: int,
    threads: int,
    corrections: str | Path | None,
) -> Any:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "proc_name": "news-search",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                # A slow query is a few seconds at worst; a worker stuck for longer
                # is restarted rather than left holding its share of the clients.
                "timeout": 60,
                "graceful_timeout": 10,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # In each worker, after the fork: its own index, searchers and caches,
            # warmed before the worker takes its first request.
            ix = open_index(index_dir)
            ix.warm()
            _settle()
            return make_app(ix, corrections=corrections)

    return Application()


def _settle() -> None:
    """Take what a server process holds once warmed (modules, the facet postings) out
    of the cyclic garbage collector's reach. Each full collection walked all of it
    again: a pause of tens of milliseconds, stalling every request in flight, every
    few hundred queries. Objects made later are collected as usual."""
    gc.collect()
    gc.freeze()
