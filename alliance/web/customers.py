"""Customer master data in the vendor console, and the live "already known?" suggestions that
every signed-in user's forms (the partner's registration form included) ask for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.customers import matching
from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.repository import CustomerFilters
from alliance.customers.schemas import CustomerCreate, CustomerUpdate, MatchQuery, OwnershipChange
from alliance.customers.vocabulary import EmployeeBand, Ownership
from alliance.errors import NotFound, RuleViolation
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.sorting import known_sort
from alliance.kit.types import parse_country
from alliance.partners import service as partner_service
from alliance.partners.models import Partner
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import PartnerStatus, PartnerType
from alliance.web.deps import VENDOR_ONLY, SortText, Text, VendorActor, WebActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, parse, query_choice, query_int, submit
from alliance.web.registrations import console as registration_pages
from alliance.web.templating import render

router = APIRouter()
# The console pages are vendor-only (partner users get 404) and the suggestions are open to every
# signed-in user, so they share one router (its routes are what the isolation tests enumerate)
# and each console route carries the vendor guard.
CONSOLE = "/console/customers"

IDENTITY_FIELDS = ("name", "website", "country", "industry", "employee_band", "external_id")
# Below the conflict threshold on purpose: as someone types, and before a vendor creates an
# account, "maybe this one?" is worth showing; "Acme Analytics" vs "Acme Logistics" (0.5) is not.
SUGGEST_MIN_SCORE = 0.6
SUGGEST_LIMIT = 5
SUGGEST_MIN_CHARS = 3
DUPLICATE_LIMIT = 10
OWNERSHIP_LABELS = {Ownership.OPEN: "Open", Ownership.SI_PROTECTED: "SI-protected", Ownership.VENDOR_DIRECT: "Vendor direct"}
COUNTRY_HINT = "Use a two-letter country code, such as US or DE."


# --- list -----------------------------------------------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def list_customers(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    q: Text = None,
    country: Text = None,
    ownership: Text = None,
    owner: Text = None,
    sort: SortText = None,
) -> Response:
    notices = []
    typed_country = (country or "").strip()
    country_code = _country_filter(typed_country)
    if typed_country and country_code is None:
        notices.append(f"'{typed_country}' is not a two-letter country code; showing every country.")
    filters = CustomerFilters(
        q=(q or "").strip() or None,
        country=country_code,
        ownership=Ownership(v) if (v := query_choice(ownership, Ownership)) else None,
        owning_partner_id=query_int(owner),
    )
    sort = (sort or "").strip() or None
    if sort is not None and not known_sort(sort, customer_service.CUSTOMER_SORTS):
        notices.append(f"Cannot sort by '{sort}'; sorted by name instead.")
        sort = None
    customers = customer_service.list_customers(session, actor, filters=filters, sort=sort, page=page)
    integrators = _integrators(session, actor)
    context = {
        "customers": customers,
        "filters": filters,
        "sort": sort or "name",
        "notices": notices,
        "integrators": integrators,
        "owners": _owner_names(session, actor, integrators, (c.owning_partner_id for c in customers.items)),
        "filtered": any(value is not None for value in vars(filters).values()),
        **_shared(actor),
    }
    return render(request, "customers/list.html", context)


def _country_filter(text: str) -> str | None:
    if not text:
        return None
    try:
        return parse_country(text)
    except ValueError:
        return None


# --- create ---------------------------------------------------------------------------------


@router.get(CONSOLE + "/duplicates", dependencies=VENDOR_ONLY)
def likely_duplicates(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    """Customers an import flagged as likely the same company as an older one, to merge."""
    found = customer_service.list_likely_duplicates(session, actor, page=page)
    return render(request, "customers/duplicates.html", {"duplicates": found})


@router.get(CONSOLE + "/new", dependencies=VENDOR_ONLY)
def new_customer(request: Request, actor: VendorActor) -> Response:
    require(actor, Permission.CUSTOMERS_WRITE)
    return _form(request, actor, customer=None, submission=Submission())


@router.post(CONSOLE + "/new", dependencies=VENDOR_ONLY)
def create_customer(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    require(actor, Permission.CUSTOMERS_WRITE)
    picked = query_int(str(form.get("customer_id", "")))
    if picked is not None:
        # Chosen in the suggestions: the company is already known, so open it instead.
        existing = customer_service.get_customer(session, actor, customer_id=picked)
        flash(request, f"{existing.name} is already a customer; nothing was created.", "info")
        return RedirectResponse(f"/console/customers/{existing.id}", status_code=303)
    values = {k: v for k, v in form_values(form).items() if k not in ("customer_id", "acknowledged", "create_anyway")}
    shown = echo(form)
    data, errors = parse(CustomerCreate, values)
    if data is None:
        return _form(request, actor, customer=None, submission=Submission(values=shown, errors=errors, status=422))
    duplicates = customer_service.find_matches(
        session, actor, name=data.name, website=data.website, country=data.country, limit=DUPLICATE_LIMIT, min_score=SUGGEST_MIN_SCORE
    )
    # "Create anyway" confirms the candidates that were shown, not whatever a changed name finds.
    acknowledged = _ids(str(form.get("acknowledged", ""))) if form.get("create_anyway") else set()
    if any(match.customer_id not in acknowledged for match in duplicates):
        return _form(request, actor, customer=None, submission=Submission(values=shown, status=409), duplicates=duplicates)
    submission = submit(session, CustomerCreate, values, lambda d: customer_service.create_customer(session, actor, data=d), shown=shown)
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.name} was added to the customers.")
        return RedirectResponse(f"/console/customers/{submission.result.id}", status_code=303)
    return _form(request, actor, customer=None, submission=submission)


def _ids(text: str) -> set[int]:
    return {value for part in text.split(",") if (value := query_int(part)) is not None}


# --- detail and ownership -------------------------------------------------------------------


@router.get(CONSOLE + "/{customer_id}", dependencies=VENDOR_ONLY)
def customer_detail(request: Request, customer_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _detail(request, session, actor, customer_id=customer_id)


@router.post(CONSOLE + "/{customer_id}/ownership", dependencies=VENDOR_ONLY)
def change_ownership(request: Request, customer_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    require(actor, Permission.CUSTOMERS_OWNERSHIP)
    values = form_values(form)
    if values.get("status") != Ownership.SI_PROTECTED:
        # The owner and end date belong to SI protection only; a prefilled select left as it
        # was when the account is opened up again is not a request to keep them.
        values.pop("owning_partner_id", None)
        values.pop("protected_until", None)

    def apply(change: OwnershipChange) -> Customer:
        return customer_service.change_customer_ownership(session, actor, customer_id=customer_id, change=change)

    submission = submit(session, OwnershipChange, values, apply, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Ownership of {submission.result.name} is now {_ownership_words(submission.result.ownership)}.")
        return RedirectResponse(f"/console/customers/{customer_id}", status_code=303)
    return _detail(request, session, actor, customer_id=customer_id, ownership_form=submission, status_code=submission.status)


def _detail(
    request: Request, session: Session, actor: Actor, *, customer_id: int, ownership_form: Submission[Any] | None = None, status_code: int = 200
) -> Response:
    customer = customer_service.get_customer(session, actor, customer_id=customer_id)
    integrators = _integrators(session, actor)
    owners = _owner_names(session, actor, integrators, [customer.owning_partner_id])
    history = _ownership_history(session, actor, customer, owners)
    current = {
        "status": str(customer.ownership),
        "owning_partner_id": str(customer.owning_partner_id or ""),
        "protected_until": customer.protected_until.isoformat() if customer.protected_until else "",
    }
    form = ownership_form or Submission(values=current)
    context = {
        "customer": customer,
        "owners": owners,
        "history": history,
        "customer_registrations": registration_pages.customer_registrations(session, actor, customer_id=customer.id),
        "ownership_values": form.values,
        "ownership_errors": form.errors,
        "owner_options": [(str(p.id), p.display_name) for p in integrators if p.status != PartnerStatus.TERMINATED],
        **_shared(actor),
    }
    return render(request, "customers/detail.html", context, status_code=status_code)


@dataclass(frozen=True)
class OwnershipEvent:
    """One ownership change from the audit trail, in words for the page."""

    occurred_at: Any
    actor_label: str
    reason: str | None
    changes: list[tuple[str, str, str]]  # (what, before, after)


HISTORY_FIELDS = (("ownership", "Status"), ("owning_partner_id", "Owning partner"), ("protected_until", "Protected until"))


def _ownership_history(session: Session, actor: Actor, customer: Customer, owners: dict[int, str]) -> list[OwnershipEvent]:
    events = customer_service.ownership_history(session, actor, customer_id=customer.id)
    missing = {v for e in events for side in (e.before, e.after) for k, v in (side or {}).items() if k == "owning_partner_id" and v}
    names = {**owners, **_owner_names(session, actor, [], missing)}

    def shown(field: str, value: Any) -> str:
        if value is None:
            return "—"
        if field == "ownership":
            return OWNERSHIP_LABELS.get(value, str(value))
        if field == "owning_partner_id":
            return names.get(value, f"Partner #{value}")
        return str(value)

    return [
        OwnershipEvent(
            occurred_at=e.occurred_at,
            actor_label=e.actor_label,
            reason=e.reason,
            changes=[
                (label, shown(field, (e.before or {}).get(field)), shown(field, (e.after or {}).get(field)))
                for field, label in HISTORY_FIELDS
                if field in (e.after or {}) or field in (e.before or {})
            ],
        )
        for e in events
    ]


# --- edit -----------------------------------------------------------------------------------


@router.get(CONSOLE + "/{customer_id}/edit", dependencies=VENDOR_ONLY)
def edit_customer(request: Request, customer_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    customer = customer_service.get_customer(session, actor, customer_id=customer_id)
    require(actor, Permission.CUSTOMERS_WRITE)
    values = {name: "" if getattr(customer, name) is None else str(getattr(customer, name)) for name in IDENTITY_FIELDS}
    return _form(request, actor, customer=customer, submission=Submission(values=values))


@router.post(CONSOLE + "/{customer_id}/edit", dependencies=VENDOR_ONLY)
def update_customer(request: Request, customer_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    customer = customer_service.get_customer(session, actor, customer_id=customer_id)
    require(actor, Permission.CUSTOMERS_WRITE)

    def apply(data: CustomerUpdate) -> Customer | None:
        changes = _only_changes(customer, data)
        return customer_service.update_customer(session, actor, customer_id=customer.id, data=changes) if changes else None

    submission = submit(session, CustomerUpdate, form_values(form, optional=True), apply, shown=echo(form))
    if submission.ok:
        flash(request, "Customer saved." if submission.result else "Nothing changed.", "success" if submission.result else "info")
        return RedirectResponse(f"/console/customers/{customer_id}", status_code=303)
    customer = customer_service.get_customer(session, actor, customer_id=customer_id)
    return _form(request, actor, customer=customer, submission=submission)


def _only_changes(customer: Customer, data: CustomerUpdate) -> CustomerUpdate | None:
    """Send the service only what changed: an unchanged field in the form is not an edit."""
    changed = {name: value for name, value in data.model_dump(exclude_unset=True, exclude={"reason"}).items() if getattr(customer, name) != value}
    if not changed:
        return None
    if data.reason:
        changed["reason"] = data.reason
    return CustomerUpdate.model_validate(changed)


def _form(request: Request, actor: Actor, *, customer: Customer | None, submission: Submission[Any], duplicates: Sequence[Any] = ()) -> Response:
    errors = dict(submission.errors)
    if "country" in errors:
        errors["country"] = COUNTRY_HINT
    context = {
        "customer": customer,
        "values": submission.values,
        "errors": errors,
        "duplicates": [_candidate(m) for m in duplicates],
        "band_options": [(b.value, b.value) for b in EmployeeBand],
        **_shared(actor),
    }
    return render(request, "customers/form.html", context, status_code=submission.status)


# --- suggestions (every signed-in user) -------------------------------------------------------


@router.get("/customers/suggest")
def suggest(
    session: WebSession,
    actor: WebActor,
    name: Annotated[str, Query(max_length=200)] = "",
    website: Annotated[str, Query(max_length=300)] = "",
    country: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Known customers that may be the company being typed: identities, a score and a reason in
    words, never ownership (partner users call this). JSON: {"candidates": [...]}, best first."""
    return JSONResponse(
        {"candidates": _suggestions(session, actor, name=name, website=website, country=country)}, headers={"Cache-Control": "private, no-store"}
    )


def _suggestions(session: Session, actor: Actor, *, name: str, website: str, country: str) -> list[dict[str, Any]]:
    if len(name.strip()) < SUGGEST_MIN_CHARS:
        return []
    values = {"name": name, "website": website.strip() or None, "country": country.strip() or None, "limit": SUGGEST_LIMIT, "min_score": SUGGEST_MIN_SCORE}
    query, errors = parse(MatchQuery, values)
    if query is None and not set(errors) - {"website", "country"}:
        # A half-typed website or country narrows nothing yet; the name alone still suggests.
        query, errors = parse(MatchQuery, {**values, **dict.fromkeys(errors)})
    if query is None:
        return []
    try:
        found = customer_service.find_matches(
            session, actor, name=query.name, website=query.website, country=query.country, limit=query.limit, min_score=query.min_score
        )
    except RuleViolation:
        return []
    return [_candidate(match) for match in found]


def _candidate(match: customer_service.CustomerMatch) -> dict[str, Any]:
    """What a suggestion shows: the identity and why it may be the same company. Nothing else."""
    return {
        "customer_id": match.customer_id,
        "name": match.name,
        "website": match.website,
        "country": match.country,
        "score": round(match.score * 100),
        "reason": _reason_words(match.reasons),
    }


def _reason_words(reasons: Iterable[matching.Reason]) -> str:
    words = []
    for reason in reasons:
        if reason.feature == "name":
            words.append("same name" if reason.verdict == "same" else reason.detail)
        elif reason.feature == "domain" and reason.verdict == "same":
            words.append("same website")
        elif reason.feature == "domain" and reason.verdict == "similar":
            words.append("related website")
        elif reason.feature == "domain" and reason.verdict == "different":
            words.append("different website")
        elif reason.feature == "country" and reason.verdict == "same":
            words.append("same country")
        elif reason.feature == "country" and reason.verdict == "different":
            words.append("another country")
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


# --- shared -----------------------------------------------------------------------------------


def _shared(actor: Actor) -> dict[str, Any]:
    return {
        "ownership_labels": {o.value: label for o, label in OWNERSHIP_LABELS.items()},
        "today": clock.today(),
    }


def _ownership_words(ownership: Ownership) -> str:
    """'SI-protected' keeps its capitals in a sentence; 'Open' and 'Vendor direct' do not."""
    label = OWNERSHIP_LABELS[ownership]
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _integrators(session: Session, actor: Actor) -> list[Partner]:
    """Systems integrators, whatever their status: the ones that may own accounts, and the names of
    those that once did."""
    filters = PartnerFilters(partner_type=PartnerType.SYSTEMS_INTEGRATOR)
    return list(partner_service.list_partners(session, actor, filters=filters, sort="name", page=PageRequest(limit=MAX_LIMIT)).items)


def _owner_names(session: Session, actor: Actor, known: Iterable[Partner], ids: Iterable[int | None]) -> dict[int, str]:
    names = {p.id: p.display_name for p in known}
    for partner_id in {i for i in ids if i is not None} - set(names):
        try:
            names[partner_id] = partner_service.get_partner(session, actor, partner_id=partner_id).display_name
        except NotFound:
            names[partner_id] = f"Partner #{partner_id}"
    return names
