"""The metric names tier criteria may use. The engine that computes them comes with enablement;
this catalog is what criteria are validated against, so a typo is caught when a program is saved."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, Comparison, DeliveryRole

CERTIFICATION_LEVELS = ("associate", "professional", "expert")
COMPARISONS = tuple(Comparison)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # count | currency | people


def _plural(role_label: str) -> str:
    """'solution architect' -> 'solution architects'; 'sales' -> 'sales people'."""
    return "sales people" if role_label == "sales" else f"{role_label}s"


def _catalog() -> dict[str, Metric]:
    metrics = [
        Metric("certified_people", "Certified people (any delivery role)", "people"),
        Metric("certified_delivery_people", "Certified delivery people (architects, engineers, specialists, PMs)", "people"),
        Metric("influenced_revenue_12m", "Influenced revenue, trailing 12 months", "currency"),
        Metric("direct_revenue_12m", "Direct (transacted) revenue, trailing 12 months", "currency"),
        Metric("total_revenue_12m", "Influenced + direct revenue, trailing 12 months", "currency"),
        Metric("won_projects_12m", "Won project registrations, trailing 12 months", "count"),
        Metric("won_deals_12m", "Won deal registrations, trailing 12 months", "count"),
        Metric("customer_references", "Approved customer references, trailing 24 months", "count"),
        Metric("practice_milestones_completed", "Practice milestones completed", "count"),
        Metric("consultant_headcount", "Consultant headcount", "people"),
        Metric("managed_customers", "Customers under managed service", "count"),
        Metric("sub_resellers", "Active resellers served (distributors)", "count"),
    ]
    for role in DeliveryRole:
        label = DELIVERY_ROLE_LABELS[role].lower()
        metrics.append(Metric(f"certified.{role.value}", f"Certified {_plural(label)} (any level)", "people"))
        for level in CERTIFICATION_LEVELS:
            metrics.append(Metric(f"certified.{role.value}.{level}", f"Certified {_plural(label)} at {level} level or above", "people"))
    return {m.name: m for m in metrics}


METRICS: dict[str, Metric] = _catalog()


def metric_error(name: str) -> str | None:
    """None when the metric exists, else a message that helps fix the name."""
    if name in METRICS:
        return None
    close = [match for match, score, _ in process.extract(name, list(METRICS), scorer=fuzz.WRatio, limit=3) if score >= 80]
    hint = f" Did you mean one of: {', '.join(close)}?" if close else " See GET /api/v1/metrics for the list."
    return f"unknown metric '{name}'.{hint}"
