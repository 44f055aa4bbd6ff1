"""The preview's HTTP and push server: tornado, with the livereload package's WebSocket channel."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler
from tornado import web

from deckgen.errors import DeckgenError
from deckgen.live.livesite import Update

log = logging.getLogger(__name__)


class PushHandler(LiveReloadHandler):
    """livereload's LiveReload-protocol WebSocket, limited to pages of this server, greeting with the errors."""

    errors: list[dict[str, Any]] = []

    def check_origin(self, origin: str) -> bool:
        # Another site open in the browser must not read the slides through this socket.
        return urlsplit(origin).netloc == self.request.host

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)
        if self in LiveReloadHandler.waiters:
            self.send_message({"command": "deckgen-errors", "errors": PushHandler.errors})


class SiteHandler(web.StaticFileHandler):
    """Serve the built site only: no listing, no caching, nothing outside the site folder."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def compute_etag(self) -> None:
        return None

    def should_return_304(self) -> bool:
        return False


def make_app(root: Path) -> web.Application:
    """The tornado application: /livereload for the push, the site for everything else."""
    return web.Application(
        [
            (r"/livereload", PushHandler),
            (r"/(.*)", SiteHandler, {"path": str(root), "default_filename": "index.html"}),
        ],
        log_function=lambda handler: None,
    )


def error_payload(errors: list[DeckgenError]) -> list[dict[str, Any]]:
    """Errors as the page's overlay shows them."""
    return [
        {"location": str(e.location) if e.location else "", "message": e.message, "text": str(e)}
        for e in errors
    ]


def push(update: Update) -> int:
    """Send one rebuild's changes to every open page (call on the IOLoop's thread); return messages sent."""
    messages: list[dict[str, Any]] = []
    for page in update.pages:
        message: dict[str, Any] = {"command": "reload", "path": "/" + page.path, "liveCSS": True}
        if page.old_version:
            diff: dict[str, Any] = {"from": page.old_version, "to": page.new_version}
            if page.first is not None:
                diff["first"] = {"h": page.first[0], "v": page.first[1]}
            if page.edits is not None:
                diff["slides"] = [{"h": e.h, "v": e.v, "html": e.html} for e in page.edits]
            message["deckgen"] = diff
        messages.append(message)
    for path in update.files:
        messages.append({"command": "reload", "path": "/" + path, "liveCSS": True, "liveImg": True})
    PushHandler.errors = error_payload(update.errors)
    messages.append({"command": "deckgen-errors", "errors": PushHandler.errors})
    sent = 0
    for waiter in list(LiveReloadHandler.waiters):
        for message in messages:
            try:
                waiter.write_message(json.dumps(message))
                sent += 1
            except Exception:  # a closed socket: forget the page
                LiveReloadHandler.waiters.discard(waiter)
                break
    return sent
