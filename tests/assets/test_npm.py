"""deckgen.npm against a fake npm registry served on a loopback socket."""

from __future__ import annotations

import io
import json
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deckgen.assets import npm
from deckgen.assets.npm import Package
from deckgen.errors import AssetError


def make_tarball(files: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    """Build a gzipped tarball from {member name: content} and {symlink name: target}."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def package_files(name: str, version: str, **extra: bytes) -> dict[str, bytes]:
    manifest = json.dumps({"name": name, "version": version}).encode()
    return {"package/package.json": manifest, **{f"package/{k}": v for k, v in extra.items()}}


@dataclass
class FakeRegistry:
    """Tarballs served by path; every request's path is recorded."""

    url: str
    tarballs: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    # Misbehaviour, one entry per coming request: "cut" (half the body, then close), "500", "trickle".
    faults: list[str] = field(default_factory=list)

    def publish(self, name: str, version: str, data: bytes) -> Package:
        basename = name.rpartition("/")[2]
        self.tarballs[f"/{name}/-/{basename}-{version}.tgz"] = data
        return Package(name, version, npm.sri(data))


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            fake.requests.append(self.path)
            body = fake.tarballs.get(self.path)
            fault = fake.faults.pop(0) if fake.faults else None
            if fault == "500":
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if fault in ("cut", "trickle") and body is not None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault == "cut":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                for byte in body[:40]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server API
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Start every test with no registry, no assets folder, an empty cache and an empty home."""
    for var in (
        "DECKGEN_ASSETS", "DECKGEN_NPM_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY",
        "XDG_CACHE_HOME", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    ):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path / "cache"))
    npm._npm_config_registry.cache_clear()
    yield home
    npm._npm_config_registry.cache_clear()


def use(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECKGEN_NPM_REGISTRY", registry.url)


# -- download, verify, cache ----------------------------------------------------------------------------


def test_downloads_verifies_and_caches(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    files = package_files("reveal.js", "6.0.2", **{"dist/reveal.js": b"// reveal"})
    pkg = registry.publish("reveal.js", "6.0.2", make_tarball(files))

    folder = npm.package_dir(pkg)

    assert folder == npm.cache_root() / "npm" / "reveal.js@6.0.2" / "package"
    assert (folder / "dist" / "reveal.js").read_bytes() == b"// reveal"
    assert (folder.parent / ".verified").read_text().strip() == pkg.integrity
    assert registry.requests == ["/reveal.js/-/reveal.js-6.0.2.tgz"]

    assert npm.package_dir(pkg) == folder
    assert len(registry.requests) == 1, "a cached package must not be downloaded again"


def test_scoped_package_url_and_cache_name(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    tarball = make_tarball(package_files("@fontsource/lato", "5.3.0", **{"files/a.woff2": b"font"}))
    pkg = registry.publish("@fontsource/lato", "5.3.0", tarball)

    folder = npm.package_dir(pkg)

    assert registry.requests == ["/@fontsource/lato/-/lato-5.3.0.tgz"]
    assert folder.parent.name == "@fontsource+lato@5.3.0"
    assert (folder / "files" / "a.woff2").read_bytes() == b"font"


def test_integrity_mismatch_is_refused(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    good = registry.publish("katex", "0.19.1", make_tarball(package_files("katex", "0.19.1")))
    served = make_tarball(package_files("katex", "0.19.1", **{"evil.js": b"alert(1)"}))
    registry.tarballs["/katex/-/katex-0.19.1.tgz"] = served

    with pytest.raises(AssetError) as caught:
        npm.package_dir(good)

    message = str(caught.value)
    assert "katex@0.19.1" in message
    assert good.integrity in message and npm.sri(served) in message
    entry = npm.cache_entry(good)
    assert not entry.exists()
    assert not entry.parent.exists() or not any(entry.parent.iterdir()), "no temporary folder is left"


def test_offline_with_empty_cache_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DECKGEN_NPM_REGISTRY", f"http://127.0.0.1:{port}")
    pkg = Package("reveal.js", "6.0.2", "sha512-AAAA")

    with pytest.raises(AssetError) as caught:
        npm.package_dir(pkg)

    message = str(caught.value)
    assert message.startswith(f"cannot download reveal.js@6.0.2 from http://127.0.0.1:{port} (")
    assert "deckgen needs it once, then works offline" in message
    assert "DECKGEN_ASSETS" in message and "npm install reveal.js@6.0.2" in message
    assert "DECKGEN_NPM_REGISTRY" in message


def test_missing_tarball_names_the_http_status(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    with pytest.raises(AssetError, match=r"HTTP 404 .*DECKGEN_ASSETS"):
        npm.package_dir(Package("nope", "1.0.0", "sha512-AAAA"))


def test_half_extracted_entry_is_not_used(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    pkg = registry.publish("katex", "0.19.1", make_tarball(package_files("katex", "0.19.1", a=b"full")))
    stale = npm.cache_entry(pkg) / "package"
    stale.mkdir(parents=True)
    (stale / "package.json").write_text("{}")  # no .verified marker: an interrupted extraction

    folder = npm.package_dir(pkg)

    assert (folder / "a").read_bytes() == b"full"
    assert len(registry.requests) == 1


@pytest.mark.parametrize(
    ("files", "links", "why"),
    [
        ({"package/../escape.txt": b"x"}, None, "'..'"),
        ({"/etc/evil": b"x"}, None, "absolute path"),
        ({"package/ok": b"x"}, {"package/link": "../../outside"}, "outside the package"),
        ({"package/ok": b"x"}, {"package/link": "/etc/passwd"}, "outside the package"),
    ],
)
def test_unsafe_tarball_members_are_refused(
    registry: FakeRegistry,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, bytes],
    links: dict[str, str] | None,
    why: str,
) -> None:
    use(registry, monkeypatch)
    pkg = registry.publish("evil", "1.0.0", make_tarball(files, links=links))

    with pytest.raises(AssetError, match="refusing to extract evil@1.0.0") as caught:
        npm.package_dir(pkg)

    assert why in str(caught.value)
    assert not npm.cache_entry(pkg).exists()
    assert not (npm.cache_root() / "npm" / "escape.txt").exists()


def test_corrupt_tarball_is_an_error(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    pkg = registry.publish("broken", "1.0.0", b"not a tarball")

    with pytest.raises(AssetError, match=r"cannot read the tarball of broken@1.0.0 \("):
        npm.package_dir(pkg)
    assert not npm.cache_entry(pkg).exists()

def test_link_inside_the_package_becomes_a_copy(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    files = package_files("linked", "1.0.0", **{"dist/a.css": b"a{}"})
    pkg = registry.publish("linked", "1.0.0", make_tarball(files, links={"package/b.css": "dist/a.css"}))

    folder = npm.package_dir(pkg)

    assert (folder / "b.css").read_bytes() == b"a{}"
    assert not (folder / "b.css").is_symlink()


def test_two_processes_racing_both_succeed(registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    use(registry, monkeypatch)
    data = make_tarball(package_files("race", "1.0.0", f=b"1"))
    pkg = Package("race", "1.0.0", npm.sri(data))
    npm._install(pkg, data, npm.cache_entry(pkg))  # the other process won

    npm._install(pkg, data, npm.cache_entry(pkg))  # ours arrives second

    assert (npm.package_dir(pkg) / "f").read_bytes() == b"1"
    assert registry.requests == []
    assert sorted(p.name for p in npm.cache_entry(pkg).parent.iterdir()) == ["race@1.0.0"]


# -- DECKGEN_ASSETS -------------------------------------------------------------------------------------


def write_manifest(node_modules: Path, name: str, version: str) -> Path:
    folder = node_modules / name
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": name, "version": version}))
    return folder


def test_assets_folder_with_the_pinned_version_is_used_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = write_manifest(tmp_path / "node_modules", "@highlightjs/cdn-assets", "11.12.0")
    monkeypatch.setenv("DECKGEN_ASSETS", str(tmp_path / "node_modules"))
    monkeypatch.setenv("DECKGEN_NPM_REGISTRY", "http://127.0.0.1:9")  # never contacted

    pkg = Package("@highlightjs/cdn-assets", "11.12.0", "sha512-AAAA")

    assert npm.package_dir(pkg) == folder
    assert not npm.cache_root().exists()


def test_assets_folder_with_another_version_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_manifest(tmp_path / "node_modules", "reveal.js", "5.2.1")
    monkeypatch.setenv("DECKGEN_ASSETS", str(tmp_path / "node_modules"))

    with pytest.raises(AssetError) as caught:
        npm.package_dir(Package("reveal.js", "6.0.2", "sha512-AAAA"))

    message = str(caught.value)
    assert "reveal.js@5.2.1" in message and "reveal.js@6.0.2" in message
    assert "npm install reveal.js@6.0.2" in message


def test_assets_folder_without_the_package_falls_back_to_download(
    registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "node_modules").mkdir()
    monkeypatch.setenv("DECKGEN_ASSETS", str(tmp_path / "node_modules"))
    use(registry, monkeypatch)
    pkg = registry.publish("katex", "0.19.1", make_tarball(package_files("katex", "0.19.1")))

    assert npm.package_dir(pkg) == npm.cache_entry(pkg) / "package"


# -- which registry -------------------------------------------------------------------------------------


def no_npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


def test_registry_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path) -> None:
    no_npm(monkeypatch, tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (clean_env / ".npmrc").write_text("registry=http://home.example/npm/\n")
    assert npm.registry_url(project) == "http://home.example/npm"

    (project / ".npmrc").write_text("; comment\n@corp:registry=http://scoped.example/\nregistry = http://p.example/\n")
    assert npm.registry_url(project) == "http://p.example"

    monkeypatch.setenv("NPM_CONFIG_REGISTRY", "http://upper.example/")
    assert npm.registry_url(project) == "http://upper.example"

    monkeypatch.setenv("npm_config_registry", "http://lower.example/")
    assert npm.registry_url(project) == "http://lower.example"

    monkeypatch.setenv("DECKGEN_NPM_REGISTRY", "http://deckgen.example/")
    assert npm.registry_url(project) == "http://deckgen.example"


def test_npmrc_expands_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path
) -> None:
    no_npm(monkeypatch, tmp_path)
    monkeypatch.setenv("MIRROR", "http://mirror.example")
    (clean_env / ".npmrc").write_text('registry="${MIRROR}/npm/"\n')
    assert npm.registry_url() == "http://mirror.example/npm"


def test_registry_from_npm_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_npm = bin_dir / "npm"
    fake_npm.write_text("#!/bin/sh\necho http://from-npm.example/\n")
    fake_npm.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))

    assert npm.registry_url() == "http://from-npm.example"
    fake_npm.write_text("#!/bin/sh\necho http://changed.example/\n")
    assert npm.registry_url() == "http://from-npm.example", "npm's answer is cached for the process"


def test_no_registry_at_all(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    no_npm(monkeypatch, tmp_path)
    with pytest.raises(AssetError, match="Set DECKGEN_NPM_REGISTRY"):
        npm.registry_url(tmp_path)


def test_cache_root_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path) -> None:
    assert npm.cache_root() == tmp_path / "cache"
    monkeypatch.delenv("DECKGEN_CACHE_DIR")
    assert npm.cache_root() == clean_env / ".cache" / "deckgen"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert npm.cache_root() == tmp_path / "xdg" / "deckgen"


# -- a registry that cuts off, fails for a moment or trickles ----------------------------------------------------


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(npm, "RETRY_PAUSE", 0.01)
    monkeypatch.setattr(npm, "SLOW_AFTER", 0.5)


def test_a_download_cut_off_or_failing_for_a_moment_is_tried_again(
    registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch, quick_retries: None
) -> None:
    use(registry, monkeypatch)
    pkg = registry.publish("katex", "0.19.1", make_tarball(package_files("katex", "0.19.1")))
    registry.faults += ["cut", "500"]
    folder = npm.package_dir(pkg)
    assert (folder / "package.json").is_file() and len(registry.requests) == 3


def test_a_download_that_keeps_failing_says_so_after_its_attempts(
    registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch, quick_retries: None
) -> None:
    use(registry, monkeypatch)
    pkg = registry.publish("katex", "0.19.1", make_tarball(package_files("katex", "0.19.1")))
    registry.faults += ["cut"] * npm.ATTEMPTS
    with pytest.raises(AssetError, match=r"cut off after .* bytes\) \(tried 3 times\); deckgen needs it once"):
        npm.package_dir(pkg)
    assert not npm.cache_entry(pkg).exists()


def test_a_trickling_download_is_given_up(
    registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch, quick_retries: None
) -> None:
    use(registry, monkeypatch)
    monkeypatch.setattr(npm, "ATTEMPTS", 1)
    pkg = registry.publish("katex", "0.19.1", make_tarball(package_files("katex", "0.19.1", big=b"x" * 50_000)))
    registry.faults.append("trickle")
    started = time.monotonic()
    with pytest.raises(AssetError, match="the download trickled"):
        npm.package_dir(pkg)
    assert time.monotonic() - started < 10


def test_a_cached_file_changed_after_verification_is_never_shipped(
    registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(registry, monkeypatch)
    pkg = registry.publish("reveal.js", "6.0.2", make_tarball(package_files("reveal.js", "6.0.2",
                                                                             **{"dist/reveal.js": b"// reveal"})))
    folder = npm.package_dir(pkg)
    assert npm.checked_file(pkg, folder, "dist/reveal.js").read_bytes() == b"// reveal"
    (folder / "dist" / "reveal.js").write_bytes(b"// evil")
    with pytest.raises(AssetError, match="was changed or damaged since deckgen verified the package; delete"):
        npm.checked_file(pkg, folder, "dist/reveal.js")
    (folder.parent / ".files.json").unlink()  # a cache from before the record: downloaded and verified again
    assert npm.package_dir(pkg) == folder and len(registry.requests) == 2
    assert npm.checked_file(pkg, folder, "dist/reveal.js").read_bytes() == b"// reveal"
