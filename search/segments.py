"""An indexing run's articles written as segments in parallel, one per worker process.

Whoosh writes a segment in one process, and analysing, sorting and writing the
postings is most of a run (BBC in one process: ``add_document`` 8 s, ``commit``
9.5 s, extraction 7 s). So each worker process here reads, extracts, analyses
and writes a segment of its own for its share of the changed files, and
finishes it (the costly part of a commit) while the others finish theirs.

The indexer's process keeps what must happen once, or in order: the write lock,
the near-duplicate group of each article (an article joins the group of one
seen before it), deletions of old versions, the spelling map. It commits the
workers' segments with its own in one table of contents, so a run is still all
or nothing: until then the workers' files are debris that the next writer removes.

Files go out in batches. A worker sends back what the indexer needs to know of
each file (id, sketch, places, problems) and keeps its fields, which it writes
when the batch's groups come back. Groups are decided in batch order, whichever
worker is faster, so the groups do not depend on timing.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from search.articles import Article
from search.engine import SegmentWriter, index
from search.errors import IndexWriteError
from search.layout import Prepared, Todo, prepare

#: Files per batch sent to a worker.
BATCH = 16
#: Batches a worker is given before it has sent any back, so it never waits on a reply.
IN_HAND = 2
#: Batches handed out beyond the oldest one not grouped yet: room for one worker to run
#: ahead of another that met a slow batch, and a bound on the fields a worker holds.
AHEAD = 8
#: Fewer changed files than this per worker are done in the indexer's process:
#: starting a worker (and loading its gazetteer) costs more.
MIN_FILES = 64
#: Memory for each writer's postings before Whoosh spills them to sorted runs on disk.
LIMIT_MB = 128

#: Writes a batch's articles, given each one's near-duplicate group (None: not written).
Write = Callable[[Sequence[str | None]], None]


class Parts(Protocol):
    """Where a run's articles are extracted and written."""

    def prepared(self) -> Iterator[tuple[list[Prepared], Write]]:
        """Each batch of files, in order, with what writes it."""
        ...

    def segments(self) -> list[Any]:
        """Finish writing: the segments written besides the indexer's own writer."""
        ...


def count_workers(workers: int | None, files: int, extractor: Callable[[Article], Article]) -> int:
    """How many worker processes a run of ``files`` changed files is given.

    By default one per core (up to four: each writes a segment that queries then
    search), and none when it would re-run the caller's script (see
    :func:`reruns_caller`); a caller passing ``workers`` says its script is guarded."""
    if workers is None:
        cores = os.cpu_count() or 1
        workers = min(cores, 4) if cores > 1 and not reruns_caller() else 0
    if workers < 1 or not picklable(extractor):
        return 0
    return min(workers, files // MIN_FILES)


@contextmanager
def parts(
    writer: Any,
    index_dir: str,
    todo: list[Todo],
    extractor: Callable[[Article], Article],
    max_bytes: int,
    workers: int,
) -> Iterator[Parts]:
    """``workers`` processes writing segments (stopped on the way out, whatever
    happened), or, with none, the indexer's own ``writer`` doing it all here."""
    if workers < 1:
        yield _Here(writer, todo, extractor, max_bytes)
        return
    processes = _Workers(workers, index_dir, todo, extractor, max_bytes)
    try:
        yield processes
    finally:
        processes.stop()


def add(writer: Any, item: Prepared, group: str) -> None:
    # add_document, not update_document: the indexer knows which ids are new and
    # deletes old versions itself, from the segments this writer does not see.
    writer.add_document(
        **item.fields,
        sketch=item.sketch,
        dupe_group=group,
    )


def commit(writer: Any, segments: list[Any], *, optimize: bool) -> None:
    """Commit ``writer``'s changes and the workers' ``segments`` in one table of
    contents: Whoosh's own multi-process writer does the same with
    ``multisegment=True``, but it analyses documents that its process hands out."""
    if not segments:
        writer.commit(optimize=optimize)
        return
    final = writer._merge_segments(None, optimize, None)
    own = finish_segment(writer)
    writer._commit_toc(final + ([own] if own is not None else []) + segments)
    writer._finish()


def finish_segment(writer: Any) -> Any:
    """Write out what ``writer`` was given: its segment, or None when it got nothing
    (its files closed either way)."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


class _Here:
    """Everything in the indexer's process, written by its own writer."""

    def __init__(
        self,
        writer: Any,
        todo: list[Todo],
        extractor: Callable[[Article], Article],
        max_bytes: int,
    ) -> None:
        self.writer, self.todo = writer, todo
        self.extractor, self.max_bytes = extractor, max_bytes

    def prepared(self) -> Iterator[tuple[list[Prepared], Write]]:
        for start in range(0, len(self.todo), BATCH):
            items = [
                prepare(todo, extractor=self.extractor, max_bytes=self.max_bytes)
                for todo in self.todo[start : start + BATCH]
            ]
            yield items, functools.partial(self._write, items)

    def _write(self, items: list[Prepared], groups: Sequence[str | None]) -> None:
        for item, group in zip(items, groups, strict=True):
            if group is not None:
                add(self.writer, item, group)

    def segments(self) -> list[Any]:
        return []


@dataclass
class _Worker:
    process: Any
    connection: Connection
    in_hand: int = 0  # batches sent and not sent back yet


class _Workers:
    """Worker processes, each writing a segment of its own."""

    def __init__(
        self,
        count: int,
        index_dir: str,
        todo: list[Todo],
        extractor: Callable[[Article], Article],
        max_bytes: int,
    ) -> None:
        self.todo = todo
        # forkserver, not fork: the indexer's process may have threads (a web server).
        context = multiprocessing.get_context("forkserver")
        self.workers: list[_Worker] = []
        for number in range(count):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_work,
                args=(theirs, index_dir, extractor, max_bytes, os.getpid()),
                name=f"news-search indexer {number + 1}",
                daemon=True,
            )
            process.start()
            theirs.close()  # so that a worker's death reads as the end of its pipe
            self.workers.append(_Worker(process, mine))

    def prepared(self) -> Iterator[tuple[list[Prepared], Write]]:
        batches = [(start, start + BATCH) for start in range(0, len(self.todo), BATCH)]
        handed = grouped = 0
        ready: dict[int, list[Prepared]] = {}
        owner: dict[int, _Worker] = {}
        while grouped < len(batches):
            for worker in self.workers:
                while (
                    worker.in_hand < IN_HAND and handed < len(batches) and handed - grouped < AHEAD
                ):
                    start, stop = batches[handed]
                    self._send(worker, ("batch", handed, self.todo[start:stop]))
                    owner[handed] = worker
                    worker.in_hand += 1
                    handed += 1
            if grouped in ready:
                number, worker = grouped, owner.pop(grouped)
                yield ready.pop(number), functools.partial(self._write, worker, number)
                grouped += 1
                continue
            for connection in wait([w.connection for w in self.workers if w.in_hand]):
                worker = next(w for w in self.workers if w.connection is connection)
                _, number, items = self._receive(worker, "prepared")
                ready[number] = items
                worker.in_hand -= 1

    def _write(self, worker: _Worker, number: int, groups: Sequence[str | None]) -> None:
        self._send(worker, ("groups", number, list(groups)))

    def segments(self) -> list[Any]:
        for worker in self.workers:
            self._send(worker, ("finish",))
        finished = [self._receive(worker, "segment")[1] for worker in self.workers]
        return [segment for segment in finished if segment is not None]

    def stop(self) -> None:
        """Stop every worker; one still writing (an error or Ctrl-C here) drops what it
        wrote, and what remains is debris the indexer removes."""
        for worker in self.workers:
            if worker.process.is_alive():
                with suppress(OSError):
                    worker.connection.send(("stop",))
        deadline = time.monotonic() + 10
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()

    def _send(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        try:
            worker.connection.send(message)
        except OSError as error:
            raise _lost(worker) from error

    def _receive(self, worker: _Worker, kind: str) -> tuple[Any, ...]:
        try:
            message = worker.connection.recv()
        except (EOFError, OSError) as error:
            raise _lost(worker) from error
        if message[0] == "failed":
            _, errno, strerror, description = message
            if errno is not None:  # a full disk, a read-only folder: the indexer names the step
                raise OSError(errno, strerror)
            raise IndexWriteError(f"An indexing worker failed ({description}): {_AGAIN}")
        assert message[0] == kind, message
        return message  # type: ignore[no-any-return]


_AGAIN = "the index is as it was before this run; run the same command again."


def _lost(worker: _Worker) -> IndexWriteError:
    worker.process.join(1)
    code = worker.process.exitcode
    how = "was killed" if code is not None and code < 0 else f"stopped (exit code {code})"
    return IndexWriteError(f"An indexing worker process {how}: {_AGAIN}")


def _work(
    connection: Connection,
    index_dir: str,
    extractor: Callable[[Article], Article],
    max_bytes: int,
    parent: int,
) -> None:
    """A worker: prepare the batches it is sent, write them when their groups come,
    finish its segment when told, and send back the segment (None if it wrote none)."""
    follow_parent(parent)
    writer = None
    held: dict[int, list[Prepared]] = {}
    try:
        # No lock of its own: the indexer holds the index's write lock for the run.
        writer = SegmentWriter(
            index.open_dir(index_dir), _lk=False, limitmb=LIMIT_MB, compound=False
        )
        while True:
            message = connection.recv()
            if message[0] == "batch":
                _, number, todo = message
                items = [prepare(t, extractor=extractor, max_bytes=max_bytes) for t in todo]
                held[number] = items
                connection.send(("prepared", number, [item.summary() for item in items]))
            elif message[0] == "groups":
                _, number, groups = message
                for item, group in zip(held.pop(number), groups, strict=True):
                    if group is not None:
                        add(writer, item, group)
            elif message[0] == "finish":
                segment = finish_segment(writer)
                writer = None
                connection.send(("segment", segment))
                return
            else:  # stop
                return
    except EOFError:  # the indexer is gone
        return
    except BaseException as error:
        errno = error.errno if isinstance(error, OSError) else None
        strerror = error.strerror if isinstance(error, OSError) else None
        with suppress(OSError):
            connection.send(("failed", errno, strerror, repr(error)))
    finally:
        if writer is not None:
            with suppress(Exception):  # its temporary runs; its segment files are debris
                writer._close_segment()


def reruns_caller() -> bool:
    """Would a worker process run the caller's ``__main__`` again?

    forkserver and spawn workers re-import a script run as a file, or a module
    run with ``-m`` unless it is a package's ``__main__``; a script without an
    ``if __name__ == "__main__":`` guard would then index again inside the
    worker, and the run would break. A REPL or a notebook has no file to re-run,
    and ``python -m search`` is a package's ``__main__``."""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return not name.endswith("__main__")
    return getattr(main, "__file__", None) is not None


def follow_parent(parent: int) -> None:
    """In a worker: exit when the indexer is gone (``kill -9`` gives it no chance to
    stop its workers, which would otherwise wait for work for ever)."""

    def watch() -> None:
        first = os.getppid()
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            if os.getppid() != first:  # our parent, the forkserver, has gone with it
                os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # lambdas and closures stay in this process
        return False
    return True
