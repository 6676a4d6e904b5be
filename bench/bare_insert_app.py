"""The baseline of bench/deployment_load.py: a bare FastAPI endpoint doing one INSERT (one
transaction) on the same database, served by uvicorn like the app.

    BARE_DATABASE_URL=postgresql+psycopg://... uvicorn bench.bare_insert_app:app --port 9000
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=10, max_overflow=20)
with engine.begin() as connection:
    connection.execute(
        text("CREATE TABLE IF NOT EXISTS bench_bare_inserts (id bigserial PRIMARY KEY, title text NOT NULL, created_at timestamptz DEFAULT now())")
    )
app = FastAPI()


class Row(BaseModel):
    title: str


@app.post("/insert", status_code=201)
def insert(row: Row) -> dict[str, int]:
    with engine.begin() as connection:
        new_id = connection.execute(text("INSERT INTO bench_bare_inserts (title) VALUES (:title) RETURNING id"), {"title": row.title}).scalar_one()
    return {"id": new_id}
