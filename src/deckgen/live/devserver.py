"""The preview's HTTP and push server: tornado, with the livereload package's WebSocket channel.

DNS rebinding: a web page of another site can make the browser resolve its own host name to 127.0.0.1 and then
read this server as "its own origin". Such requests carry the other site's name in `Host` (and in `Origin`), so
every request is checked against the names this server is reached by (loopback names, and `--host`), with the
server's port; anything else gets 403 and nothing of the site. The push channel checks `Origin` against the same
list itself: tornado takes an `Origin` equal to `Host` for same-origin and would not even ask.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler
from tornado import httputil, web
from tornado.websocket import WebSocketClosedError

from deckgen.errors import DeckgenError, Location
from deckgen.live.livesite import Update

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
_WILDCARDS = {"0.0.0.0", "::", "[::]", ""}
_ADDRESS = re.compile(r"(\[[0-9a-f:.]+\]|[0-9.]+)(?::([0-9]+))?")
_REFUSED = (
    "403: deckgen serve answers only requests addressed to it by a loopback name (localhost, 127.0.0.1, [::1]) "
    "or its --host, with its port.\n"
)


def host_name(host: str) -> str:
    """A host as it appears in a Host header: lower case, IPv6 addresses in brackets."""
    host = host.strip().lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


class HostPolicy:
    """The Host values (and so the origins) this server answers: its loopback names and --host, with its port."""

    def __init__(self, host: str, port: int) -> None:
        self.port = port
        names = {*LOOPBACK_NAMES, host_name(host)}
        self.hosts = frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else set())
        # Bound to every interface, the server is reached by the machine's addresses. An address literal cannot be
        # rebound (rebinding needs a name the attacker's DNS answers), so any IP address with the port is accepted.
        self.any_address = host_name(host) in _WILDCARDS

    def allows_host(self, value: str | None) -> bool:
        """Whether a Host header (host:port) names this server."""
        if not value:
            return False
        value = value.strip().lower()
        if value in self.hosts:
            return True
        match = _ADDRESS.fullmatch(value) if self.any_address else None
        if match is None or int(match[2] or 80) != self.port:
            return False
        try:
            ipaddress.ip_address(match[1].strip("[]"))
        except ValueError:
            return False
        return True

    def allows_origin(self, origin: str | None) -> bool:
        """Whether an Origin header is a page of this server (plain http, a host it answers)."""
        if not origin:
            return False
        parts = urlsplit(origin.strip())
        return parts.scheme == "http" and not parts.path.strip("/") and self.allows_host(parts.netloc)


class RefusedHost(web.RequestHandler):
    """The answer to a request addressed to another name (DNS rebinding): 403, a line of text, nothing else."""

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(_REFUSED)


class PreviewApplication(web.Application):
    """The tornado application, refusing every request whose Host is not one of this server's names."""

    def __init__(self, handlers: list[Any], policy: HostPolicy, **settings: Any) -> None:
        super().__init__(handlers, **settings)
        self.policy = policy

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> Any:
        # The raw header: tornado's request.host falls back to 127.0.0.1 when there is none.
        hosts = request.headers.get_list("Host")
        if len(hosts) != 1 or not self.policy.allows_host(hosts[0]):
            return self.get_handler_delegate(request, RefusedHost)
        return super().find_handler(request, **kwargs)


class PushHandler(LiveReloadHandler):
    """livereload's LiveReload-protocol WebSocket, limited to pages of this server, greeting with the errors."""

    errors: list[dict[str, Any]] = []

    def initialize(self, policy: HostPolicy) -> None:
        self.policy = policy

    def prepare(self) -> None:
        # A browser always sends Origin with a WebSocket; a page of another site (rebound to this address or not)
        # must not read the decks through this socket. Checked here, not only in check_origin, which tornado skips
        # when Origin equals Host: a rebinding page controls both.
        origins = self.request.headers.get_list("Origin") + self.request.headers.get_list("Sec-WebSocket-Origin")
        if any(not self.policy.allows_origin(origin) for origin in origins):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("403: the push channel answers only pages of this server.\n")

    def check_origin(self, origin: str) -> bool:
        return self.policy.allows_origin(origin)

    def on_message(self, message: str | bytes) -> None:
        try:
            super().on_message(message)
        except (ValueError, TypeError, AttributeError):  # not the LiveReload protocol: not a page of ours
            self.close()
            return
        if self in LiveReloadHandler.waiters:
            self.send_message({"command": "deckgen-errors", "errors": PushHandler.errors})

    def send_message(self, message: dict[str, Any] | str) -> None:
        # livereload's logs a traceback when the page has just gone: it is no error.
        try:
            self.write_message(json.dumps(message) if isinstance(message, dict) else message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(self)

    def on_close(self) -> None:
        LiveReloadHandler.waiters.discard(self)


class SiteHandler(web.StaticFileHandler):
    """Serve the built site only: no listing, no caching, nothing outside the site folder."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def compute_etag(self) -> None:
        return None

    def should_return_304(self) -> bool:
        return False


def make_app(root: Path, *, host: str = "127.0.0.1", port: int = 80) -> web.Application:
    """The tornado application: /livereload for the push, the site for everything else, for this host and port."""
    policy = HostPolicy(host, port)
    return PreviewApplication(
        [
            (r"/livereload", PushHandler, {"policy": policy}),
            (r"/(.*)", SiteHandler, {"path": str(root), "default_filename": "index.html"}),
        ],
        policy,
        log_function=lambda handler: None,
        websocket_max_message_size=64 * 1024,  # the LiveReload protocol's messages are a few hundred bytes
        # A socket that stops reading (not a browser: browsers answer pings even for a paused page) would keep every
        # push in its write buffer: it is closed when it does not answer a ping.
        websocket_ping_interval=10,
        websocket_ping_timeout=30,
    )


def error_payload(errors: list[DeckgenError]) -> list[dict[str, Any]]:
    """Errors as the page's overlay shows them: file, line, message, and the whole one-line text."""
    payload = []
    for e in errors:
        location = e.location
        payload.append({
            "location": str(location) if location else "",
            "file": str(Location(location.path)) if location else "",
            "line": location.line if location else None,
            "message": e.message,
            "text": str(e),
        })
    return payload


def set_errors(errors: list[DeckgenError]) -> None:
    """The errors standing now: pages that connect are greeted with them."""
    PushHandler.errors = error_payload(errors)


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
    set_errors(update.errors)
    messages.append({"command": "deckgen-errors", "errors": PushHandler.errors})
    encoded = [json.dumps(message) for message in messages]
    sent = 0
    for waiter in list(LiveReloadHandler.waiters):
        for message in encoded:
            try:
                waiter.write_message(message)
                sent += 1
            except Exception:  # a closed socket: forget the page
                LiveReloadHandler.waiters.discard(waiter)
                break
    return sent
