from __future__ import annotations

import logging

import pytest

from alliance.config import Settings
from alliance.logging_config import KeyValueFormatter, configure_logging, request_id, request_id_from


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("alliance.x", logging.INFO, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


class TestKeyValueFormatter:
    def test_one_line_of_fields(self):
        line = KeyValueFormatter().format(_record("saved %s", "partner", request_id="abc", partner_id=3))
        assert line.startswith("time=")
        assert line.endswith(' level=info logger=alliance.x request_id=abc message="saved partner" partner_id=3')

    def test_values_with_spaces_quotes_or_newlines_are_quoted(self):
        line = KeyValueFormatter().format(_record('a "b"\nc'))
        assert line.endswith('message="a \\"b\\"\\nc"')
        assert "\n" not in line

    def test_a_traceback_stays_on_the_line(self):
        try:
            raise ValueError("bad")
        except ValueError:
            record = logging.LogRecord("alliance.x", logging.ERROR, __file__, 1, "failed", None, __import__("sys").exc_info())
        line = KeyValueFormatter().format(record)
        assert "\n" not in line
        assert "ValueError: bad" in line


class TestRequestIdFrom:
    @pytest.mark.parametrize("header", ["abc", "0b4f-77", "trace.id:1/2+3=", "x" * 128])
    def test_sane_ids_are_kept(self, header):
        assert request_id_from(header) == header

    @pytest.mark.parametrize("header", [None, "", "a b", "x" * 129, "é", "a\r\nSet-Cookie: x"])
    def test_others_are_replaced(self, header):
        assert len(request_id_from(header)) == 32


def test_configuring_twice_installs_one_handler_and_sets_the_level():
    root = logging.getLogger()
    level = root.level
    try:
        configure_logging("warning")
        configure_logging("DEBUG")
        assert [h.get_name() for h in root.handlers].count("alliance") == 1
        assert root.level == logging.DEBUG
        assert logging.getLogger("uvicorn.access").handlers == []
        assert logging.getLogger("uvicorn.access").propagate
    finally:
        root.setLevel(level)


def test_the_request_id_defaults_to_none():
    assert request_id.get() is None


def test_log_level_setting_is_checked():
    assert Settings(log_level="debug").log_level == "DEBUG"
    with pytest.raises(ValueError, match="log_level"):
        Settings(log_level="chatty")
