"""The index's near-duplicate lookup table: which articles hold each sketch value.

To find the articles a new one may be a copy of, the indexer looks up its sketch
values among those of every article indexed before (search/duplicates.py). As
terms of the Whoosh index those values cost a quarter of each commit (BBC: 32,000
terms of one or two articles each, 2.8 s of 10 s) and nothing searched them; in
SQLite, written by the indexer's process while workers write the segments, they
cost next to nothing.

The table is bookkeeping derived from the index. It is committed just before the
index, so an indexed article is always in it; a row for an article that is not
in the index (a run that failed after this commit) is skipped by the caller; and
a missing or unreadable table is built again from the sketches the index stores.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from search.duplicates import MIN_SHARED

FILENAME = "sketches.sqlite"

#: SQLite result codes as the OSError a write fault would raise, so the indexer
#: says "no space left" or "cannot write" whichever file hit it.
_FAULTS = {
    sqlite3.SQLITE_FULL: errno.ENOSPC,
    sqlite3.SQLITE_READONLY: errno.EROFS,
    sqlite3.SQLITE_CANTOPEN: errno.EACCES,
    sqlite3.SQLITE_PERM: errno.EPERM,
    sqlite3.SQLITE_IOERR: errno.EIO,
}


class SketchTable:
    """The table as one indexing run reads and changes it, in one transaction."""

    def __init__(
        self,
        index_dir: Path,
        *,
        fresh: bool,
        stored: Iterable[tuple[str, tuple[int, ...]]] = (),
    ) -> None:
        """``fresh``: the index is new, so is the table. ``stored``: each indexed
        article's (id, sketch), read only if the table has to be built again."""
        self.path = index_dir / FILENAME
        if fresh:
            self._remove()
        try:
            self.db, built = self._connect()
        except sqlite3.DatabaseError:  # not a database, or a damaged one
            self._remove()
            self.db, built = self._connect()
        if built and not fresh:
            for article_id, values in stored:
                self.add(article_id, values)

    def candidates(self, values: tuple[int, ...]) -> list[tuple[str, int]]:
        """Articles sharing at least MIN_SHARED of ``values``, and how many they share."""
        if len(values) < MIN_SHARED:
            return []
        rows = self._run(
            "SELECT article, COUNT(*) FROM sketch_keys WHERE value IN "
            f"({','.join('?' * len(values))}) GROUP BY article HAVING COUNT(*) >= ?",
            (*values, MIN_SHARED),
        )
        return [(str(article), int(str(count))) for article, count in rows]

    def add(self, article_id: str, values: tuple[int, ...]) -> None:
        self._run_many(
            "INSERT INTO sketch_keys (value, article) VALUES (?, ?)",
            [(value, article_id) for value in values],
        )

    def remove(self, article_id: str) -> None:
        self._run("DELETE FROM sketch_keys WHERE article = ?", (article_id,))

    def commit(self) -> None:
        try:
            self.db.commit()
        except sqlite3.Error as error:
            raise _as_os_error(error) from error

    def close(self) -> None:
        """Close, dropping whatever was not committed."""
        self.db.close()

    def _connect(self) -> tuple[sqlite3.Connection, bool]:
        """The table's connection, and whether the table was (re)made empty."""
        try:
            db = sqlite3.connect(self.path)
            # 16 rows an article go in at random places of the value index: 222,500
            # articles' rows took 56 s with SQLite's default 2 MB of cache, 37 s with 64 MB.
            db.execute("PRAGMA cache_size = -65536")
            built = (
                db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sketch_keys'").fetchone()
                is None
            )
            if built:
                db.execute(
                    "CREATE TABLE sketch_keys (value INTEGER NOT NULL, article TEXT NOT NULL)"
                )
                db.execute("CREATE INDEX sketch_values ON sketch_keys (value)")
                db.execute("CREATE INDEX sketch_articles ON sketch_keys (article)")
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and _is_fault(error):
                raise _as_os_error(error) from error
            raise
        return db, built

    def _remove(self) -> None:
        for path in (self.path, self.path.with_name(self.path.name + "-journal")):
            path.unlink(missing_ok=True)

    def _run(self, sql: str, parameters: tuple[object, ...]) -> list[tuple[object, ...]]:
        try:
            return self.db.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise _as_os_error(error) from error

    def _run_many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        try:
            self.db.executemany(sql, rows)
        except sqlite3.Error as error:
            raise _as_os_error(error) from error


def _is_fault(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _FAULTS


def _as_os_error(error: sqlite3.Error) -> OSError:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # primary code of an extended one
    return OSError(_FAULTS.get(code, errno.EIO), str(error))
