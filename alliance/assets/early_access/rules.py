"""Early-access (beta) programs: the states of a partner's application and the one rule that
moves it. A partner admin applies, accepting the program's terms; the vendor accepts or declines
(a decline says why). Pure."""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # the partner is enrolled: it sees the program's pre-release assets
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"pending": "Pending", "accepted": "Enrolled", "declined": "Declined"}[self.value]


class EarlyAccessDecision(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class RefusedDecision(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def decide(status: ApplicationStatus, decision: EarlyAccessDecision, *, reason: str | None, blockers: list[str]) -> ApplicationStatus:
    """The status after the vendor's decision; RefusedDecision naming the field otherwise.
    `blockers`: what the partner misses of the program's eligibility (in words)."""
    if status != ApplicationStatus.PENDING:
        raise RefusedDecision(f"the application is already {status.label.lower()}", "status")
    if decision == EarlyAccessDecision.DECLINE:
        if not (reason or "").strip():
            raise RefusedDecision("a decline needs a reason the partner will read", "reason")
        return ApplicationStatus.DECLINED
    if blockers:
        raise RefusedDecision(f"the partner is not eligible: {'; '.join(blockers)}", "eligibility")
    return ApplicationStatus.ACCEPTED


def program_name(product_line_name: str, version: str) -> str:
    """ "Data Platform 10": how a program is named in lock reasons and lists."""
    return f"{product_line_name} {version}"
