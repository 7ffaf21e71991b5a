"""The command line: parse arguments, call the library, print.

Every option has an environment-variable fallback (SEARCH_INDEX, SEARCH_SEEDS,
SEARCH_HOST, SEARCH_PORT, SEARCH_CORRECTIONS) so ``make run`` and deployments
configure it alike.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from search import build_index, check_quote, open_index, parse_article
from search.backends import typesense_location
from search.errors import SearchError
from search.textfiles import DEFAULT_MAX_BYTES


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SearchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted: the index is as it was before this run", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m search", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def with_index(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--index",
            default=env("SEARCH_INDEX", "index"),
            help=(
                "index folder, or typesense://API_KEY@HOST:PORT[,HOST:PORT...]/COLLECTION "
                "(env SEARCH_INDEX; default: index)"
            ),
        )

    index = commands.add_parser("index", help="index a folder of articles, incrementally")
    index.add_argument(
        "seeds",
        nargs="?",
        default=env("SEARCH_SEEDS", "seeds"),
        help="folder of .txt/.html articles (env SEARCH_SEEDS; default: seeds)",
    )
    with_index(index)
    index.add_argument(
        "--max-size",
        type=float,
        default=DEFAULT_MAX_BYTES / 1024 / 1024,
        metavar="MB",
        help="skip files larger than this (default: %(default)g)",
    )
    index.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for another indexer (default: %(default)g)",
    )
    index.add_argument(
        "--rebuild",
        action="store_true",
        help="build the index anew instead of updating it (a damaged one is rebuilt anyway)",
    )
    index.add_argument("--json", action="store_true", help="print the run's statistics as JSON")
    index.set_defaults(run=_index)

    query = commands.add_parser("query", help="search the index")
    query.add_argument("query", help='the query, e.g. "kherson protests" or headline:iraq')
    with_index(query)
    query.add_argument("--page", type=int, default=1)
    query.add_argument("--page-size", type=int, default=10)
    query.add_argument("--json", action="store_true", help="print the results as JSON")
    query.set_defaults(run=_query)

    check = commands.add_parser(
        "check", help="check a quote: who said it, where first, and in which words"
    )
    check.add_argument("quote", help="the quote as you have it, e.g. 'we will not retreat'")
    check.add_argument("--speaker", help="who it is said to be by (ranks their quotes first)")
    with_index(check)
    check.add_argument("--json", action="store_true", help="print the answer as JSON")
    check.set_defaults(run=_check)

    parse = commands.add_parser("parse", help="show what is extracted from one article file")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true")
    parse.set_defaults(run=_parse)

    serve = commands.add_parser("serve", help="serve the web app with a production WSGI server")
    with_index(serve)
    serve.add_argument(
        "--host",
        default=env("SEARCH_HOST", "127.0.0.1"),
        help="env SEARCH_HOST; default: 127.0.0.1",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(env("SEARCH_PORT", "8080")),
        help="env SEARCH_PORT; default: 8080",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(env("SEARCH_WORKERS", "0")) or None,
        help="server processes (env SEARCH_WORKERS; default: one per core; 1: one process)",
    )
    serve.add_argument("--threads", type=int, default=8, help="threads per process")
    serve.add_argument(
        "--corrections",
        metavar="SEEDS_DIR",
        default=env("SEARCH_CORRECTIONS") or None,
        help="take corrections from the article page, writing them to SEEDS_DIR/"
        "corrections.jsonl (the folder the index was built from; env SEARCH_CORRECTIONS; "
        "default: read-only)",
    )
    serve.set_defaults(run=_serve)
    return parser


def _index(args: argparse.Namespace) -> int:
    stats = build_index(
        args.seeds,
        args.index,
        progress=sys.stderr.isatty() and not args.json,
        max_bytes=int(args.max_size * 1024 * 1024),
        wait=args.wait,
        notify=lambda line: print(line, file=sys.stderr),
        rebuild=args.rebuild,
    )
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
        return 0
    for label, problems in (
        ("skipped", stats.ignored),
        ("failed", stats.failed),
        ("warning", stats.warnings),
    ):
        for problem in problems:
            print(f"{label}: {problem.path}: {problem.reason}", file=sys.stderr)
    if stats.rebuilt:
        print(f"note: {stats.rebuilt}", file=sys.stderr)
    print(stats.summary())
    return 0


def _query(args: argparse.Namespace) -> int:
    with open_index(args.index) as ix:
        results = ix.search(args.query, page=args.page, page_size=args.page_size)
    if args.json:
        print(json.dumps(results.to_dict(), indent=2, ensure_ascii=False))
        return 0
    bold = sys.stdout.isatty()
    if results.notice:
        print(results.notice)
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}?")
    first = (results.page - 1) * results.page_size + 1
    shown = (
        f"{first}-{first + len(results.hits) - 1} of " if len(results.hits) < results.total else ""
    )
    noun = "result" if results.total == 1 else "results"
    print(f"{shown}{results.total} {noun} for {args.query!r} ({results.elapsed * 1000:.0f} ms)")
    for hit in results.hits:
        print(f"\n{hit.rank}. {_plain(hit.headline_html, bold)}  [{hit.id}]")
        print(f"   {_plain(hit.snippet, bold)}")
        if hit.locations:
            print("   places: " + ", ".join(p.canonical for p in hit.locations))
    return 0


def _check(args: argparse.Namespace) -> int:
    with open_index(args.index) as ix:
        answer = check_quote(ix, args.quote, speaker=args.speaker)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(answer.message)
    for number, match in enumerate(answer.matches, 1):
        flags = f" [differs: {', '.join(match.flags)}]" if match.flags else ""
        part = ", part of the quote" if match.partial else ""
        print(f"\n{number}. {match.kind}{part} ({match.score:.2f}){flags}: “{match.text}”")
        print(f"   — {match.speaker or 'unnamed'}, {match.headline} [{match.article_id}]")
        if match.date or match.outlet:
            print("   " + ", ".join(filter(None, (match.outlet, (match.date or "")[:10]))))
        if match.kind != "verbatim":
            print("   diff: " + " ".join(_diff_word(step) for step in match.diff))
    return 0


def _diff_word(step: Any) -> str:
    """One diff step in text: [+pasted only+], [-quote only-], [pasted→quote]."""
    if step.kind == "same":
        return str(step.pasted)
    if step.kind == "added":
        return f"[+{step.pasted}+]"
    if step.kind == "missing":
        return f"[-{step.found}-]"
    return f"[{step.pasted} → {step.found}]"


def _parse(args: argparse.Namespace) -> int:
    article = parse_article(args.file)
    if args.json:
        print(json.dumps(article.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(article.headline)
    meta = {k: getattr(article, k) for k in ("date", "author", "outlet", "url")}
    for key, value in meta.items():
        if value:
            print(f"{key}: {value}")
    print()
    for number, paragraph in enumerate(article.paragraphs):
        restored = " (restored by a correction)" if number in article.restored else ""
        print(f"[{number}]{restored} {paragraph}")
    _section(
        "Quotes",
        [
            f'"{q.text}" — {q.speaker or "unknown"}{_CORRECTED if q.corrected else ""}'
            for q in article.quotes
        ],
    )
    _section("Places", [_place_line(p) for p in article.locations])
    _section("Removed as boilerplate", [f"{r.reason}: {r.text}" for r in article.removed])
    if article.corrected:
        _section("From the corrections file", list(article.corrected))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from search.web.server import default_workers, serve

    workers = args.workers or default_workers()
    if args.corrections and not os.path.isdir(args.corrections):
        raise SearchError(
            f"No folder of articles at {args.corrections}: give --corrections the folder "
            "the index was built from"
        )
    with open_index(args.index) as ix:
        count = len(ix)
    where = typesense_location(args.index) or args.index  # a URL's API key is not printed
    print(
        f"Serving {where} ({count} article{'' if count == 1 else 's'}) "
        f"on http://{args.host}:{args.port} "
        f"with {workers} process{'es' if workers > 1 else ''}",
        file=sys.stderr,
    )
    if args.corrections:
        where = os.path.join(args.corrections, "corrections.jsonl")
        print(f"Taking corrections from the article pages into {where}", file=sys.stderr)
    serve(
        args.index,
        args.host,
        args.port,
        workers=workers,
        threads=args.threads,
        corrections=args.corrections,
    )
    return 0


def _section(title: str, lines: list[str]) -> None:
    print(f"\n{title} ({len(lines)})")
    for line in lines:
        print(f"  - {line}")


#: How `parse` marks a value that comes from the corrections file.
_CORRECTED = " [correction]"


def _place_line(place: Any) -> str:
    where = f", {place.country}" if place.country else ""
    mark = _CORRECTED if place.corrected else ""
    return f"{place.name} → {place.canonical} ({place.kind}{where}){mark}"


def _plain(marked: str, bold: bool) -> str:
    """Snippet HTML for a terminal: <mark> as bold on a TTY, plain otherwise."""
    on, off = ("\033[1m", "\033[0m") if bold else ("", "")
    return html.unescape(re.sub(r"</?mark>", lambda m: off if m.group()[1] == "/" else on, marked))
