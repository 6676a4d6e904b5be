"""A real OpenID Provider for the SSO tests: oidc-provider on Node, installed once into a cache
outside the repository and started on a free port (see README.md)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx2
import pytest
from bs4 import BeautifulSoup

HERE = Path(__file__).parent
CLIENT_ID = "alliance-test"
CLIENT_SECRET = "test-client-secret-0123456789"
TEST_REDIRECT = "http://testserver/sso/oidc/callback"
TEST_SIGNED_OUT = "http://testserver/login"


@dataclass
class Provider:
    issuer: str

    def configure(self, **change: Any) -> dict[str, Any]:
        answer = httpx2.post(self.issuer + "/_test/configure", json=change, timeout=20)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result


def _installed() -> Path:
    lock = (HERE / "package-lock.json").read_bytes()
    base = Path(os.environ.get("ALLIANCE_TEST_IDP_CACHE", Path.home() / ".cache" / "alliance-test-idp"))
    target = base / hashlib.sha256(lock).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    # Test processes (xdist workers, both backends' stages) start at once: one installs, the others wait.
    with open(target / ".install.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not (target / "node_modules" / "oidc-provider").exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copy(HERE / name, target / name)
            subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=target, check=True, capture_output=True, timeout=300)
        staged = target / f"oidc_provider.{os.getpid()}.mjs"
        shutil.copy(HERE / "oidc_provider.mjs", staged)
        os.replace(staged, target / "oidc_provider.mjs")
    return target


def missing(what: str) -> None:
    """Skip where a developer lacks the tool; fail in CI (ALLIANCE_TEST_REQUIRE_IDP=1), where it must be."""
    if os.environ.get("ALLIANCE_TEST_REQUIRE_IDP") == "1":
        pytest.fail(what + " (ALLIANCE_TEST_REQUIRE_IDP=1)")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_provider(workdir: Path) -> Iterator[Provider]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        missing("node and npm are needed to run the test OpenID Provider")
    home = _installed()
    port = _free_port()
    config = workdir / "idp.json"
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [TEST_REDIRECT], "post_logout_redirect_uris": [TEST_SIGNED_OUT]}
    config.write_text(json.dumps({"clients": [client], "accounts": {}}))
    process = subprocess.Popen(
        ["node", str(home / "oidc_provider.mjs"), str(port), str(config)], cwd=home, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "listening <issuer>" once it accepts connections
        if not line.startswith("listening"):
            raise RuntimeError(f"the test OpenID Provider did not start: {line!r}")
        yield Provider(issuer=line.split()[1])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def through_provider(start_location: str, *, login: str, stop_at: str) -> str:
    """Play the browser at the provider: follow its redirects, sign in as `login` on its login
    form, and return the address it finally sends the browser to (starting with `stop_at`)."""
    with httpx2.Client(timeout=20) as browser:
        url = start_location
        for _ in range(12):
            if url.startswith(stop_at):
                return url
            response = browser.get(url)
            if response.status_code in (302, 303):
                url = urljoin(str(response.url), response.headers["location"])
                continue
            form = BeautifulSoup(response.text, "html.parser").find("form")
            assert form is not None, response.text[:500]
            posted = browser.post(urljoin(str(response.url), str(form["action"])), data={"login": login, "password": "any", "prompt": "login"})
            assert posted.status_code in (302, 303), posted.text[:500]
            url = urljoin(str(posted.url), posted.headers["location"])
        raise AssertionError(f"the provider never sent the browser back (last at {url})")


def sign_out_at_provider(end_session_location: str, *, stop_at: str) -> str:
    """Play the browser at the provider's end-session page: confirm the sign-out, and return the
    address it sends the browser back to (starting with `stop_at`)."""
    with httpx2.Client(timeout=20) as browser:
        url = end_session_location
        for _ in range(6):
            if url.startswith(stop_at):
                return url
            response = browser.get(url)
            if response.status_code in (302, 303):
                url = urljoin(str(response.url), response.headers["location"])
                continue
            assert response.status_code == 200, response.text[:500]
            form = BeautifulSoup(response.text, "html.parser").find("form")
            assert form is not None, response.text[:500]
            fields = {str(field["name"]): str(field.get("value", "")) for field in form.find_all("input") if field.get("name")}
            posted = browser.post(urljoin(str(response.url), str(form["action"])), data={**fields, "logout": "yes"})
            assert posted.status_code in (302, 303), posted.text[:500]
            url = urljoin(str(posted.url), posted.headers["location"])
        raise AssertionError(f"the provider never sent the browser back (last at {url})")
