"""The web atlas: server-rendered pages and a JSON API over the store (``create_app``)."""

from chainatlas.present.web.app import create_app

__all__ = ["create_app"]
