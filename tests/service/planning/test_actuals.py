"""Plan vs actual, computed: certified people from enablement (at the level or above, each person
once), revenue from the attribution ledger in the plan's currency, milestones at risk in words."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from alliance.identity.scope import PartnerScope
from alliance.kit import clock, fiscal
from alliance.planning import actuals_service
from alliance.planning import service as plan_service
from alliance.planning.schemas import PlanItemInput
from alliance.registrations.models import AttributionEntry
from alliance.registrations.vocabulary import CreditType
from tests.factories.certifications import make_cert, make_track


def test_plan_vs_actual(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    today = clock.today()
    period = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    soon = min(today + timedelta(days=10), period.end)
    registration_id = world.registrations()["a"]
    with db.session_scope(PartnerScope.system(reason="test: certifications and ledger")) as session:
        expert = make_track(session, "ie-expert", role="implementation_engineer", level="expert")
        professional = make_track(session, "ie-pro", role="implementation_engineer", level="professional")
        associate = make_track(session, "ie-assoc", role="implementation_engineer", level="associate")
        people = world.a.person_ids
        issued = today - timedelta(days=5)
        make_cert(session, person_id=people[0], partner_id=world.a.id, track_id=expert.id, issued_on=issued)
        make_cert(session, person_id=people[0], partner_id=world.a.id, track_id=professional.id, issued_on=issued)  # counted once
        make_cert(session, person_id=people[1], partner_id=world.a.id, track_id=professional.id, issued_on=issued)
        make_cert(session, person_id=people[2], partner_id=world.a.id, track_id=associate.id, issued_on=issued)  # below the level
        for credit, amount, currency in (
            (CreditType.SERVICES, "120000.00", "USD"),
            (CreditType.SERVICES, "-20000.00", "USD"),
            (CreditType.SERVICES, "999.00", "EUR"),
            (CreditType.DIRECT, "5000.00", "USD"),
        ):
            session.add(
                AttributionEntry(
                    partner_id=world.a.id,
                    registration_id=registration_id,
                    closing_registration_id=registration_id,
                    credit_type=credit,
                    amount=Decimal(amount),
                    currency=currency,
                    share_percent=Decimal(100),
                    effective_on=today,
                    recorded_at=clock.now(),
                    recorded_by="test",
                    rule="test",
                )
            )
    items = [
        PlanItemInput(kind="revenue_target", title="Services revenue", due_on=period.end, territory="West", revenue_kind="services", amount="500000.00"),
        PlanItemInput(
            kind="certification_target", title="Engineers", due_on=period.end, delivery_role="implementation_engineer", level="professional", target_count=2
        ),
        PlanItemInput(kind="solution_milestone", title="Accelerator", due_on=soon),
    ]
    with unit(actors["a_admin"]) as session:
        plan = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=period.key, title="FY", items=items)
        plan_id = plan.id
    with unit(actors["a_user"]) as session:
        measured = actuals_service.read(actuals_service.plan_vs_actual(session, actors["a_user"], plan_id=plan_id, as_of=today))
    revenue, people_item, milestone = measured.items
    assert (revenue.actual, revenue.target, revenue.unit) == (
        Decimal("100000.00"),
        Decimal("500000.00"),
        "USD",
    )  # the program's currency; EUR credit is never added to it
    assert (people_item.actual, people_item.status, people_item.percent, people_item.at_risk) == (Decimal(2), "completed", 100, None)
    assert milestone.at_risk == f"Accelerator: due in {(soon - today).days} days ({soon.isoformat()}) and not started."
    assert measured.at_risk >= 1


def test_an_mdf_co_investment_is_measured_by_the_mdf_spent_in_the_plans_period(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    """Partner A's approved request of 20,000 (an event ending today) with a claim of 8,000, approved
    today: 8,000 spent of the 10,000 committed in the plan, in its currency; nothing as of yesterday."""
    from alliance.funds import service as fund_service
    from alliance.funds.schemas import Decision
    from tests.factories.funds import admin_actor, build_funds

    today = clock.today()
    period = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    claim_id = build_funds(db, world)["a"]["claim_id"]
    admin = admin_actor(world)
    with unit(admin) as session:
        fund_service.decide_claim(session, admin, claim_id=claim_id, decision=Decision(approve=True))
    mdf = PlanItemInput(kind="co_investment", title="Event MDF", due_on=period.end, investment_kind="mdf", amount="10000.00")
    with unit(actors["a_admin"]) as session:
        plan_id = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=period.key, title="FY", items=[mdf]).id
    with unit(actors["a_user"]) as session:
        (item,) = actuals_service.read(actuals_service.plan_vs_actual(session, actors["a_user"], plan_id=plan_id, as_of=today)).items
        (before,) = actuals_service.read(actuals_service.plan_vs_actual(session, actors["a_user"], plan_id=plan_id, as_of=today - timedelta(days=1))).items
    assert (item.actual, item.target, item.unit, item.status, item.at_risk) == (Decimal("8000.00"), Decimal("10000.00"), "USD", "in_progress", None)
    assert (before.actual, before.status) == (Decimal(0), "not_started")


def test_revenue_targets_are_measured_in_the_programs_territories(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    """Credit is placed by the customer's country in the program's territories: a target naming a
    territory counts only that territory's credit; one naming no territory of the program counts
    all of it; the split lists what came from outside every territory."""
    from alliance.customers import service as customer_service
    from alliance.customers.schemas import CustomerCreate
    from alliance.partners import program_service
    from alliance.partners.schemas import ProgramUpdate
    from tests.factories.funds import program_of

    today = clock.today()
    period = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    registration_id = world.registrations()["a"]
    admin = actors["admin"]
    territories = [{"name": "West", "countries": ["US", "CA"]}, {"name": "DACH", "countries": ["DE", "AT", "CH"]}]
    with unit(admin) as session:
        program_service.update_program(session, admin, program_id=program_of(db, world.a.id), data=ProgramUpdate.model_validate({"territories": territories}))
        customers = {
            country: customer_service.create_customer(session, admin, data=CustomerCreate(name=f"Territory Probe {country}", country=country)).id
            for country in ("US", "DE", "FR")
        }
    with db.session_scope(PartnerScope.system(reason="test: ledger")) as session:
        for customer_id, amount in ((customers["US"], "300000.00"), (customers["DE"], "50000.00"), (customers["FR"], "7000.00")):
            session.add(
                AttributionEntry(
                    partner_id=world.a.id,
                    registration_id=registration_id,
                    closing_registration_id=registration_id,
                    customer_id=customer_id,
                    credit_type=CreditType.SERVICES,
                    amount=Decimal(amount),
                    currency="USD",
                    share_percent=Decimal(100),
                    effective_on=today,
                    recorded_at=clock.now(),
                    recorded_by="test",
                    rule="test",
                )
            )
    items = [
        PlanItemInput(kind="revenue_target", title="West", due_on=period.end, territory="west", revenue_kind="services", amount="400000.00"),
        PlanItemInput(kind="revenue_target", title="DACH", due_on=period.end, territory="DACH", revenue_kind="services", amount="100000.00"),
        PlanItemInput(kind="revenue_target", title="Everywhere", due_on=period.end, territory="Global", revenue_kind="services", amount="900000.00"),
    ]
    with unit(actors["a_admin"]) as session:
        plan_id = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=period.key, title="FY", items=items).id
    with unit(actors["a_user"]) as session:
        measured = actuals_service.read(actuals_service.plan_vs_actual(session, actors["a_user"], plan_id=plan_id, as_of=today))
    assert [(i.territory, i.territory_measured, i.actual) for i in measured.items] == [
        ("west", "West", Decimal("300000.00")),
        ("DACH", "DACH", Decimal("50000.00")),
        ("Global", None, Decimal("357000.00")),
    ]
    assert [(t.territory, t.target, t.actual) for t in measured.territories] == [
        ("West", Decimal("400000.00"), Decimal("300000.00")),
        ("DACH", Decimal("100000.00"), Decimal("50000.00")),
        (None, Decimal(0), Decimal("7000.00")),
    ]


def test_a_portfolio_read_as_rows_measures_what_each_plan_loaded_alone_does(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    """`measure` (plans read as plain rows, measured together: the list's at-risk column, the CSV)
    gives each plan exactly what `compute` gives it loaded on its own (its page): the agreed version
    while an amendment awaits signatures, the latest version of a plan not yet agreed, recorded
    progress, program territories, MDF spent, certified people and credit; a partner's portfolio
    holds its own plans only."""
    from alliance.partners import program_service
    from alliance.partners.models import Partner
    from alliance.partners.schemas import ProgramUpdate
    from alliance.planning.schemas import ProgressInput
    from tests.factories.business_plans import MILESTONE_REF, build_business_plans, items
    from tests.factories.funds import admin_actor, build_funds

    today = clock.today()
    period = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    admin = admin_actor(world)
    with db.session_scope(PartnerScope.system(reason="test: program")) as session:
        program_id = session.get(Partner, world.a.id).program_id  # type: ignore[union-attr]
    with unit(admin) as session:
        territories = {"territories": [{"name": "West", "countries": ["US", "CA"]}]}
        program_service.update_program(session, admin, program_id=program_id, data=ProgramUpdate.model_validate(territories))
    build_funds(db, world)
    plans = build_business_plans(db, world)
    a_plan, b_plan = plans["a"]["business_plan_id"], plans["b"]["business_plan_id"]
    next_year = fiscal.current().period(fiscal.PeriodKind.YEAR, period.end + timedelta(days=1))
    mdf = PlanItemInput(kind="co_investment", title="Event MDF", due_on=next_year.end, investment_kind="mdf", amount="10000.00")
    with unit(actors["a_admin"]) as session:
        plan_service.record_progress(session, actors["a_admin"], plan_id=a_plan, ref=MILESTONE_REF, data=ProgressInput(status="in_progress"))
        amended = [PlanItemInput(**i) for i in items(period.end)][:2]
        plan_service.amend_plan(session, actors["a_admin"], plan_id=a_plan, items=amended, note="Drop the accelerator")
        draft = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=next_year.key, title="Next year", items=[mdf]).id
    plan_ids = [a_plan, b_plan, draft]
    with unit(admin) as session:
        together = actuals_service.measure(session, admin, plan_ids=plan_ids, as_of=today)
        alone = {plan_id: actuals_service.plan_vs_actual(session, admin, plan_id=plan_id, as_of=today) for plan_id in plan_ids}
    assert sorted(together) == sorted(plan_ids)
    for plan_id in plan_ids:
        assert together[plan_id] == alone[plan_id], plan_id
    assert [i.item.ref for i in together[a_plan].items] == [1, 2, 3]  # the agreed version, not the amendment
    assert together[a_plan].items[2].status == "in_progress" and together[a_plan].items[0].territory == "West"
    assert together[draft].version.number == 1 and together[draft].items[0].unit == "USD"
    with unit(actors["a_user"]) as session:
        assert sorted(actuals_service.measure(session, actors["a_user"], plan_ids=plan_ids, as_of=today)) == sorted([a_plan, draft])
