"""find_matches: candidates by index only, scored, best first, identities only."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event, text

from alliance.customers import service as customer_service
from alliance.customers.matching import CONFLICT_THRESHOLD
from alliance.errors import RuleViolation

BASE = [
    {"name": "Acme Analytics, Inc.", "website": "https://www.acme-analytics.com", "country": "US", "external_id": "C-1"},
    {"name": "Acme Logistics GmbH", "website": "acme-logistics.de", "country": "DE", "external_id": "C-2"},
    {"name": "Zentrix Robotics S.p.A.", "country": "IT", "external_id": "C-3"},
    {"name": "Pacific Analytics Group", "country": "US", "external_id": "C-4"},
    {"name": "Müller & Weber Beratung", "country": "DE", "external_id": "C-5"},
]


@pytest.fixture
def base(add_customers):  # type: ignore[no-untyped-def]
    return dict(zip((c["external_id"] for c in BASE), add_customers(*BASE), strict=True))


def match(unit, actor, **query):  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        return customer_service.find_matches(session, actor, **query)


class TestFindMatches:
    def test_variants_find_the_customer(self, base, unit, actors):
        queries = [
            {"name": "ACME ANALYTICS"},
            {"name": "Acme Analytcs", "country": "US"},
            {"name": "The Acme Analytics Co."},
            {"name": "Anything At All", "website": "http://acme-analytics.com/contact"},
            {"name": "Acmeanalytics"},
        ]
        for query in queries:
            found = match(unit, actors["cam"], **query)
            assert [m.customer_id for m in found] == [base["C-1"]], query
            assert found[0].score >= CONFLICT_THRESHOLD

    def test_one_typo_in_any_position(self, base, unit, actors):
        for typo in ("Zentrx Robotics", "Zentrix Rbootics", "Xentrix Robotics", "Zentrix Roboticss", "eZntrix Robotics"):
            assert [m.customer_id for m in match(unit, actors["cam"], name=typo)] == [base["C-3"]], typo

    def test_words_in_another_order_or_an_extra_word(self, base, unit, actors):
        assert [m.customer_id for m in match(unit, actors["cam"], name="Analytics Pacific Group")] == [base["C-4"]]
        assert next(m.customer_id for m in match(unit, actors["cam"], name="Pacific Analytics", min_score=0.5)) == base["C-4"]

    def test_two_typos_and_no_word_in_common_is_still_a_candidate(self, base, add_customers, unit, actors):
        [orbeline] = add_customers({"name": "Orbeline Vector GmbH", "country": "DE"})
        assert [m.customer_id for m in match(unit, actors["cam"], name="Orbelie Vectors", country="DE")] == [orbeline]

    def test_qualifiers_transliteration_and_related_websites(self, base, unit, actors):
        for query in (
            {"name": "Acme Analytics – EMEA"},
            {"name": "Acme Analytics (UK) Finance Dept"},
            {"name": "Mueller und Weber Beratung", "country": "DE"},
            {"name": "Acme Analytics", "website": "getacme-analytics.com"},
            {"name": "Zentrix Robotics", "website": "gmail.com", "country": "IT"},
        ):
            assert len(match(unit, actors["cam"], **query)) == 1, query

    def test_typos_no_stored_name_explains_are_slips_and_a_sibling_word_is_not(self, add_customers, unit, actors):
        """The candidate reads say which typed words stored names use: two typos in a short word,
        or one in a word of under five letters, that no stored name uses are slips of the keyboard;
        a word another company uses is a sibling's, not a typo."""
        haulage, _, lee, _ = add_customers(
            {"name": "Ashworth Haulage Ltd", "country": "GB"},
            {"name": "Pennine Brewing Ltd", "country": "GB"},
            {"name": "Kim & Lee Shipbuilding", "country": "KR"},
            {"name": "ZNP Analytics Inc", "country": "US"},
        )
        assert [m.customer_id for m in match(unit, actors["cam"], name="Ashworth Hsulgae", country="GB")] == [haulage]
        assert [m.customer_id for m in match(unit, actors["cam"], name="Kim and Lea Shipbuilding", country="KR")] == [lee]
        assert match(unit, actors["cam"], name="Ashworth Brewing", country="GB") == []  # "Brewing" is another company's word
        assert match(unit, actors["cam"], name="ZNR Analytics", country="US") == []  # an acronym a letter off

    def test_different_companies_sharing_a_word_are_kept_apart(self, base, unit, actors):
        assert match(unit, actors["cam"], name="Acme Robotics") == []

    def test_another_country_weakens_an_exact_name_without_vetoing_it(self, base, unit, actors):
        [elsewhere] = match(unit, actors["cam"], name="Acme Analytics", country="DE")
        [here] = match(unit, actors["cam"], name="Acme Analytics", country="US")
        assert elsewhere.customer_id == here.customer_id == base["C-1"] and elsewhere.score < here.score
        assert {r.feature: r.verdict for r in elsewhere.reasons}["country"] == "different"

    def test_lower_min_score_shows_more_best_first(self, base, unit, actors):
        found = match(unit, actors["cam"], name="Acme Analytics", country="US", min_score=0.0001)
        assert [m.customer_id for m in found][:2] == [base["C-1"], base["C-4"]] and len(found) >= 2
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True) and found[-1].score >= 0.0001
        assert match(unit, actors["cam"], name="Acme Analytics", min_score=0.0001, limit=1)[0].customer_id == base["C-1"]

    def test_partner_users_get_identities_only(self, base, unit, actors, world):
        found = match(unit, actors["a_user"], name="Acme Analytics")
        assert {f.name for f in dataclasses.fields(found[0])} == {"customer_id", "external_id", "name", "website", "country", "score", "reasons"}
        assert found[0].external_id == "C-1"

    def test_reasons_per_feature(self, base, unit, actors):
        [found] = match(unit, actors["cam"], name="Acme Analytics", website="acme-analytics.com", country="US")
        assert {r.feature: r.verdict for r in found.reasons} == {"name": "same", "domain": "same", "country": "same"}

    def test_a_name_without_letters(self, unit, actors):
        with pytest.raises(RuleViolation):
            match(unit, actors["cam"], name="!!!")

    def test_every_query_uses_an_index(self, base, unit, actors, db):
        """No full scan of customers or of the name keys, whatever the query. On PostgreSQL a
        table this small is cheapest to scan, so sequential scans are priced out first: a plan
        that still scans has no index to use."""
        statements: list[tuple[str, object]] = []

        def remember(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            match(unit, actors["cam"], name="Pacific Analytcs Group", website="pacific.example", country="US", min_score=0.1)
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        plans: list[str] = []
        with db.engine.connect() as connection:
            if db.is_sqlite:
                explain, full_scan = "EXPLAIN QUERY PLAN ", "SCAN customer"
            else:
                connection.exec_driver_sql("SET enable_seqscan = off")
                explain, full_scan = "EXPLAIN ", "Seq Scan on customer"
            for statement, parameters in statements:
                if "customers" in statement or "customer_name_keys" in statement:
                    plans += [str(row[-1]) for row in connection.exec_driver_sql(explain + statement, parameters)]  # type: ignore[arg-type]
        assert len(statements) == 2  # every index read in one statement, then the candidates' identities
        assert plans and not [p for p in plans if full_scan in p], plans
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM customers")).scalar() == len(BASE)
