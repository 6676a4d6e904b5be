"""Release-driven recertification and the status of a certification on a date (pure rules).

A track certifies one major version of a product line. Its release policy says how far behind
that version may fall: once a release of the product line is more than `recert_versions_behind`
majors ahead, every certification on the track must recertify within `recert_within_days` of
that release, or it lapses. Validity (`expires_on`) ends a certification regardless.

Reads never wait for `alliance sweep`: `effective_status` answers from the stored row, today and
the window the releases open, so a certification is shown lapsed the day after its deadline even
when nothing has been stored yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from alliance.enablement.vocabulary import COUNTING, CertificationStatus


@dataclass(frozen=True)
class ReleasePolicy:
    """A track's policy; both fields None means releases never force recertification."""

    versions_behind: int | None
    within_days: int | None

    @property
    def applies(self) -> bool:
        return self.versions_behind is not None and self.within_days is not None


@dataclass(frozen=True)
class Release:
    id: int
    version: str
    major: int
    released_on: date


@dataclass(frozen=True)
class RecertWindow:
    """A recertification window opened by `release`: renew by `due_on` or lapse."""

    release_id: int
    release_version: str
    release_major: int
    opened_on: date
    due_on: date

    def applies_to(self, issued_on: date) -> bool:
        """Certifications issued after the deadline are not in this window (they were earned
        after it closed; retiring the outdated track is the catalog's business)."""
        return issued_on <= self.due_on


class CertificationDates(Protocol):
    """What `effective_status` reads from a certification (the ORM row or a projection)."""

    @property
    def status(self) -> str: ...
    @property
    def issued_on(self) -> date: ...
    @property
    def expires_on(self) -> date: ...
    @property
    def recert_due_on(self) -> date | None: ...


def certified_major(product_version: str) -> int | None:
    """The major version a track certifies: "8" and "8.2" both give 8; None when unreadable."""
    head = product_version.strip().split(".", 1)[0]
    return int(head) if head.isdigit() else None


def opens_window(policy: ReleasePolicy, *, certified: int, release_major: int) -> bool:
    """Whether a release of this major puts a certification on `certified` too far behind."""
    if not policy.applies:
        return False
    assert policy.versions_behind is not None
    return release_major - certified > policy.versions_behind


def recert_window(policy: ReleasePolicy, *, certified: int | None, releases: Iterable[Release], today: date) -> RecertWindow | None:
    """The window open on `today` for certifications on `certified`: opened by the earliest
    release (released on or before today) that puts them too far behind; its deadline is that
    release's date plus the policy's days. None when no release has opened one."""
    if certified is None or not policy.applies:
        return None
    assert policy.within_days is not None
    opening = [r for r in releases if r.released_on <= today and opens_window(policy, certified=certified, release_major=r.major)]
    if not opening:
        return None
    first = min(opening, key=lambda r: (r.released_on, r.major, r.id))
    return RecertWindow(
        release_id=first.id,
        release_version=first.version,
        release_major=first.major,
        opened_on=first.released_on,
        due_on=first.released_on + timedelta(days=policy.within_days),
    )


def recert_due(cert: CertificationDates, window: RecertWindow | None) -> date | None:
    """The deadline that applies: the stored one (the sweep materialised it) or the open window's."""
    if cert.recert_due_on is not None:
        return cert.recert_due_on
    return window.due_on if window is not None and window.applies_to(cert.issued_on) else None


def effective_status(cert: CertificationDates, today: date, window: RecertWindow | None = None) -> CertificationStatus:
    """The status on `today`. Renewed, revoked, lapsed and expired are final. A counting
    certification expires the day after `expires_on` and lapses the day after its recertification
    deadline; when both have passed, whichever came first wins (a tie is an expiry). With a
    deadline still ahead it is recert_required."""
    stored = CertificationStatus(cert.status)
    if stored not in COUNTING:
        return stored
    due = recert_due(cert, window)
    expired = today > cert.expires_on
    lapsed = due is not None and today > due
    if lapsed and expired:
        assert due is not None
        return CertificationStatus.LAPSED if due < cert.expires_on else CertificationStatus.EXPIRED
    if expired:
        return CertificationStatus.EXPIRED
    if lapsed:
        return CertificationStatus.LAPSED
    if due is not None:
        return CertificationStatus.RECERT_REQUIRED
    return stored


def ended_on(cert: CertificationDates, today: date, window: RecertWindow | None = None) -> date | None:
    """The first day a certification no longer counts, when it expired or lapsed by `today`."""
    status = effective_status(cert, today, window)
    if status == CertificationStatus.EXPIRED:
        return cert.expires_on + timedelta(days=1)
    if status == CertificationStatus.LAPSED:
        due = recert_due(cert, window)
        assert due is not None
        return due + timedelta(days=1)
    return None


def counts_on(cert: CertificationDates, day: date, *, stored_ended_on: date | None, window: RecertWindow | None = None) -> bool:
    """Whether the certification is certified capacity on `day` (the rule the history query uses)."""
    due = recert_due(cert, window)
    return cert.issued_on <= day and (stored_ended_on is None or stored_ended_on > day) and cert.expires_on >= day and (due is None or due >= day)


@dataclass(frozen=True)
class EndingSoon:
    """Why and when a counting certification stops counting."""

    ends_on: date
    reason: str  # "validity ends" | "recertify for v9"


def ending(cert: CertificationDates, window: RecertWindow | None = None, *, release_major: int | None = None) -> EndingSoon:
    """The effective end (the earlier of validity and the recertification deadline) and why."""
    due = recert_due(cert, window)
    if due is not None and due < cert.expires_on:
        major = release_major if release_major is not None else (window.release_major if window else None)
        return EndingSoon(due, f"recertify for v{major}" if major is not None else "recertify")
    return EndingSoon(cert.expires_on, "validity ends")
