"""Tampering with stored events is caught by `alliance audit verify`, which names the event."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import text

from alliance.cli import app


def _verify(runner):
    return runner.invoke(app, ["audit", "verify"])


def _column_list(connection) -> list[str]:
    return ["occurred_at", "actor_user_id", "actor_label", "action", "entity_type", "entity_id", "partner_id", "before", "after", "reason", "prev_hash", "hash"]


def test_intact(runner, cli_env, world):
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_edited_event_named(runner, cli_env, world, db):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 5"))
    result = _verify(runner)
    assert result.exit_code == 1
    assert "event #5 was edited" in result.output


def test_deleted_event_named(runner, cli_env, world, db):
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq = 7"))
    result = _verify(runner)
    assert result.exit_code == 1
    assert "event #7 was deleted" in result.output


def test_deleted_tail_named(runner, cli_env, world, db):
    with db.engine.begin() as connection:
        last = connection.execute(text("SELECT max(seq) FROM audit_events")).scalar_one()
        connection.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": last})
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"#{last}" in result.output and "deleted from the end" in result.output


def test_reordered_events_named(runner, cli_env, world, db):
    columns = _column_list(None)
    with db.engine.begin() as connection:
        rows = {r.seq: r for r in connection.execute(text(f"SELECT seq, {', '.join(columns)} FROM audit_events WHERE seq IN (3, 4)"))}
        # Swap the two events' contents but keep their positions: the order is what changed.
        for seq, other in ((3, 4), (4, 3)):
            values = {c: getattr(rows[other], c) for c in columns}
            for c in ("before", "after"):
                if values[c] is not None and not isinstance(values[c], str):
                    values[c] = json.dumps(values[c])
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            connection.execute(text(f"UPDATE audit_events SET {assignments} WHERE seq = :seq"), {**values, "seq": seq})
    result = _verify(runner)
    assert result.exit_code == 1
    assert "event #3 was reordered" in result.output


def test_export_jsonl_and_csv(runner, cli_env, world):
    jsonl = runner.invoke(app, ["audit", "export", "--format", "jsonl"])
    assert jsonl.exit_code == 0
    events = [json.loads(line) for line in jsonl.output.splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["prev_hash"] == "0" * 64 and events[1]["prev_hash"] == events[0]["hash"]
    as_csv = runner.invoke(app, ["audit", "export", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(rows) == len(events) and rows[-1]["hash"] == events[-1]["hash"]
    assert runner.invoke(app, ["audit", "export", "--format", "xml"]).exit_code == 2
