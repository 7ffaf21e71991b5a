"""The web front end: a Bottle app over :class:`search.Index`."""

from search.web.app import make_app

__all__ = ["make_app"]
