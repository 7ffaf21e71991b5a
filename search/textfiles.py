"""Reading a file's bytes safely and decoding them to text.

Real scraped folders hold empty files, binaries, giant dumps and text in old
Windows code pages; each must be refused with a reason, or decoded, never
allowed to stop an indexing run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from charset_normalizer import from_bytes

from search.errors import ArticleError

#: Files larger than this are not news articles (the longest BBC story is ~25 KB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# Bytes that never occur in text, apart from tab, newline, form feed and carriage return.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CONTROL_CHARACTERS = dict.fromkeys(_CONTROL)


def read_text(
    path: Path, *, data: bytes | None = None, max_bytes: int | None = None
) -> tuple[str, str, bytes]:
    """Return ``(text, encoding, raw bytes)`` for ``path``, or raise ArticleError."""
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if data is None:
        data = read_bytes(path, limit)
    if len(data) > limit:
        size = path.stat().st_size if path.exists() else len(data)
        raise ArticleError(path, f"too large ({_size(size)}; the limit is {_size(limit)})")
    if not data.strip():
        raise ArticleError(path, "empty file")
    if looks_binary(data):
        raise ArticleError(path, "binary file, not text")
    text, encoding = decode(data)
    # Past the first 8 KB a stray NUL or other control byte is not a reason to refuse
    # the file, but it is not text either: it must not reach the index or a page.
    return text.translate(_CONTROL_CHARACTERS), encoding, data


def read_bytes(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """Read at most ``limit + 1`` bytes, so a huge file is refused without loading it.

    Only a regular file is read: a FIFO would block forever, a device never end.
    ``follow_links=False`` refuses a link in place of ``path`` (the indexer reads
    the targets it checked, and a link swapped in since must not lead elsewhere).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise ArticleError(path, f"cannot be read ({error.strerror or error})") from error
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise ArticleError(path, "not a regular file")
        try:
            # Ask for the file's size, not the limit: read(limit) allocates the whole
            # limit first, and the shrunken buffer kept a memory mapping per file, so
            # the 65,530th article read failed with "Cannot allocate memory".
            return handle.read(min(status.st_size, limit) + 1)
        except OSError as error:
            raise ArticleError(path, f"cannot be read ({error.strerror or error})") from error


def looks_binary(data: bytes) -> bool:
    """A NUL byte, or many control bytes, in the first 8 KB means not text.

    UTF-16 (with its byte-order mark) is half NUL bytes: it is judged by its
    characters instead."""
    head = data[:8192]
    if _is_utf16(head):
        text = head.decode("utf-16", errors="replace")
        return sum(text.count(chr(b)) for b in _CONTROL) > len(text) * 0.05
    if b"\0" in head:
        return True
    controls = sum(head.count(bytes([b])) for b in _CONTROL)
    return controls > len(head) * 0.05


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, trying UTF-8 first, and say which encoding was used.

    Mostly-ASCII text with a few stray high bytes (a £ or é from an old Windows
    page) is cp1252: detectors guess wildly on so little evidence (the BBC file
    with one £ is "cp932" to charset-normalizer). Text with many non-ASCII bytes
    goes to charset-normalizer, which is good at that.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if _is_utf16(data[:4]):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    high = sum(1 for b in data if b >= 0x80)
    if high <= max(8, len(data) // 100):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("cp1252", errors="replace"), "cp1252"


def _is_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"
