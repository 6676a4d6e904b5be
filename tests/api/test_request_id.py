"""Every response names its request, and every log line written while serving it carries the id."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from alliance.http.request_id import HEADER


def _log_lines(capfd: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capfd.readouterr().err.splitlines() if line.startswith("time=")]


class TestRequestId:
    def test_a_sane_caller_id_is_echoed(self, client):
        response = client.get("/healthz", headers={HEADER: "req-42.abc"})
        assert response.headers[HEADER] == "req-42.abc"

    @pytest.mark.parametrize("sent", [None, "", "has spaces", "x" * 129, "line\tbreak"])
    def test_a_missing_or_unsafe_id_is_replaced(self, client, sent):
        headers = {HEADER: sent} if sent is not None else {}
        response = client.get("/healthz", headers=headers)
        assert response.headers[HEADER] != sent
        assert len(response.headers[HEADER]) == 32

    def test_each_request_gets_its_own(self, client):
        assert client.get("/healthz").headers[HEADER] != client.get("/healthz").headers[HEADER]

    def test_log_lines_of_a_request_carry_its_id(self, app, capfd):
        @app.get("/test-logs")
        def logs() -> dict[str, str]:
            logging.getLogger("alliance.test").warning("inside the request", extra={"partner_id": 7})
            return {}

        with TestClient(app) as client:
            capfd.readouterr()
            client.get("/test-logs", headers={HEADER: "trace-1"})
            logging.getLogger("alliance.test").warning("outside any request")
        lines = _log_lines(capfd)
        inside = next(line for line in lines if "inside the request" in line)
        assert " level=warning logger=alliance.test request_id=trace-1 " in inside
        assert inside.endswith('message="inside the request" partner_id=7')
        outside = next(line for line in lines if "outside any request" in line)
        assert "request_id=" not in outside

    def test_the_500_page_and_its_log_line_carry_the_id(self, app, capfd):
        @app.get("/api/test-boom")
        def boom() -> None:
            raise RuntimeError("boom")

        with TestClient(app, raise_server_exceptions=False) as client:
            capfd.readouterr()
            response = client.get("/api/test-boom", headers={HEADER: "trace-500"})
        assert response.status_code == 500
        assert response.headers[HEADER] == "trace-500"
        logged = next(line for line in _log_lines(capfd) if "unhandled error" in line)
        assert "request_id=trace-500" in logged
        assert "RuntimeError: boom" in logged
