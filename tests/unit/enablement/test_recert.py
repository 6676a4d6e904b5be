"""Release-driven recertification windows and the status of a certification on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from alliance.enablement import recert
from alliance.enablement.recert import Release, ReleasePolicy
from alliance.enablement.vocabulary import CertificationStatus as S

POLICY = ReleasePolicy(versions_behind=1, within_days=180)
V9 = Release(1, "9.0", 9, date(2026, 1, 10))
V10 = Release(2, "10.0", 10, date(2026, 6, 1))
V11 = Release(3, "11.0", 11, date(2026, 9, 1))


@dataclass
class Cert:
    status: str = S.ACTIVE
    issued_on: date = date(2025, 3, 1)
    expires_on: date = date(2027, 3, 1)
    recert_due_on: date | None = None


class TestCertifiedMajor:
    @pytest.mark.parametrize(("version", "major"), [("8", 8), ("8.2", 8), (" 10.1.3", 10), ("v8", None), ("", None)])
    def test_reads_the_major(self, version, major):
        assert recert.certified_major(version) == major


class TestOpensWindow:
    def test_more_than_the_allowed_majors_behind(self):
        assert recert.opens_window(POLICY, certified=8, release_major=10)
        assert recert.opens_window(POLICY, certified=8, release_major=11)

    def test_within_the_allowed_majors(self):
        assert not recert.opens_window(POLICY, certified=8, release_major=9)
        assert not recert.opens_window(POLICY, certified=8, release_major=8)
        assert not recert.opens_window(POLICY, certified=10, release_major=9)

    def test_zero_behind_means_every_new_major(self):
        assert recert.opens_window(ReleasePolicy(0, 90), certified=8, release_major=9)

    def test_no_policy_never_opens(self):
        assert not recert.opens_window(ReleasePolicy(None, None), certified=1, release_major=99)
        assert not recert.opens_window(ReleasePolicy(1, None), certified=1, release_major=99)


class TestRecertWindow:
    def test_opened_by_the_first_release_too_far_ahead(self):
        window = recert.recert_window(POLICY, certified=8, releases=[V9, V10, V11], today=date(2026, 12, 1))
        assert window == recert.RecertWindow(release_id=2, release_version="10.0", release_major=10, opened_on=date(2026, 6, 1), due_on=date(2026, 11, 28))

    def test_not_before_the_release_date(self):
        assert recert.recert_window(POLICY, certified=8, releases=[V9, V10], today=date(2026, 5, 31)) is None
        assert recert.recert_window(POLICY, certified=8, releases=[V9, V10], today=date(2026, 6, 1)) is not None

    def test_a_release_within_policy_opens_nothing(self):
        assert recert.recert_window(POLICY, certified=8, releases=[V9], today=date(2030, 1, 1)) is None

    def test_unreadable_version_or_no_policy(self):
        assert recert.recert_window(POLICY, certified=None, releases=[V10], today=date(2030, 1, 1)) is None
        assert recert.recert_window(ReleasePolicy(None, None), certified=8, releases=[V10], today=date(2030, 1, 1)) is None

    def test_window_excludes_certifications_issued_after_its_deadline(self):
        window = recert.recert_window(POLICY, certified=8, releases=[V10], today=date(2027, 1, 1))
        assert window is not None
        assert window.applies_to(date(2026, 11, 28)) and not window.applies_to(date(2026, 11, 29))


class TestEffectiveStatus:
    WINDOW = recert.RecertWindow(2, "10.0", 10, date(2026, 6, 1), date(2026, 11, 28))

    def test_active_without_window(self):
        assert recert.effective_status(Cert(), date(2026, 7, 1)) == S.ACTIVE

    def test_open_window_reads_recert_required_before_any_sweep(self):
        assert recert.effective_status(Cert(), date(2026, 7, 1), self.WINDOW) == S.RECERT_REQUIRED

    def test_stored_deadline_reads_recert_required(self):
        cert = Cert(status=S.RECERT_REQUIRED, recert_due_on=date(2026, 11, 28))
        assert recert.effective_status(cert, date(2026, 11, 28)) == S.RECERT_REQUIRED

    def test_lapses_the_day_after_the_deadline(self):
        assert recert.effective_status(Cert(), date(2026, 11, 28), self.WINDOW) == S.RECERT_REQUIRED
        assert recert.effective_status(Cert(), date(2026, 11, 29), self.WINDOW) == S.LAPSED
        stored = Cert(status=S.RECERT_REQUIRED, recert_due_on=date(2026, 11, 28))
        assert recert.effective_status(stored, date(2026, 11, 29)) == S.LAPSED

    def test_expires_the_day_after_validity(self):
        cert = Cert(expires_on=date(2026, 3, 1))
        assert recert.effective_status(cert, date(2026, 3, 1)) == S.ACTIVE
        assert recert.effective_status(cert, date(2026, 3, 2)) == S.EXPIRED

    def test_both_passed_the_earlier_wins(self):
        lapsed_first = Cert(expires_on=date(2027, 1, 1), recert_due_on=date(2026, 11, 28), status=S.RECERT_REQUIRED)
        assert recert.effective_status(lapsed_first, date(2027, 6, 1)) == S.LAPSED
        expired_first = Cert(expires_on=date(2026, 10, 1), recert_due_on=date(2026, 11, 28), status=S.RECERT_REQUIRED)
        assert recert.effective_status(expired_first, date(2027, 6, 1)) == S.EXPIRED
        tie = Cert(expires_on=date(2026, 11, 28), recert_due_on=date(2026, 11, 28), status=S.RECERT_REQUIRED)
        assert recert.effective_status(tie, date(2026, 12, 1)) == S.EXPIRED

    @pytest.mark.parametrize("final", [S.RENEWED, S.REVOKED, S.LAPSED, S.EXPIRED])
    def test_final_statuses_stay(self, final):
        assert recert.effective_status(Cert(status=final), date(2030, 1, 1), self.WINDOW) == final

    def test_window_ignored_for_certifications_issued_after_its_deadline(self):
        late = Cert(issued_on=date(2026, 12, 15), expires_on=date(2028, 12, 15))
        assert recert.effective_status(late, date(2027, 1, 10), self.WINDOW) == S.ACTIVE

    def test_stored_deadline_wins_over_the_window(self):
        cert = Cert(status=S.RECERT_REQUIRED, recert_due_on=date(2027, 2, 1))
        assert recert.effective_status(cert, date(2026, 12, 15), self.WINDOW) == S.RECERT_REQUIRED


class TestEndedOnAndCounting:
    def test_ended_on_is_the_day_after(self):
        assert recert.ended_on(Cert(expires_on=date(2026, 3, 1)), date(2026, 4, 1)) == date(2026, 3, 2)
        assert recert.ended_on(Cert(recert_due_on=date(2026, 11, 28)), date(2026, 12, 1)) == date(2026, 11, 29)
        assert recert.ended_on(Cert(), date(2026, 4, 1)) is None

    def test_counts_between_issue_and_end(self):
        cert = Cert(issued_on=date(2025, 3, 1), expires_on=date(2026, 3, 1))
        assert not recert.counts_on(cert, date(2025, 2, 28), stored_ended_on=None)
        assert recert.counts_on(cert, date(2025, 3, 1), stored_ended_on=None)
        assert recert.counts_on(cert, date(2026, 3, 1), stored_ended_on=None)
        assert not recert.counts_on(cert, date(2026, 3, 2), stored_ended_on=None)
        assert not recert.counts_on(cert, date(2025, 6, 1), stored_ended_on=date(2025, 6, 1))  # renewed or revoked that day

    def test_counts_until_the_recert_deadline(self):
        cert = Cert(recert_due_on=date(2026, 11, 28))
        assert recert.counts_on(cert, date(2026, 11, 28), stored_ended_on=None)
        assert not recert.counts_on(cert, date(2026, 11, 29), stored_ended_on=None)


class TestEnding:
    def test_validity_ends(self):
        assert recert.ending(Cert(expires_on=date(2026, 3, 1))) == recert.EndingSoon(date(2026, 3, 1), "validity ends")

    def test_recertify_for_the_release(self):
        window = recert.RecertWindow(2, "10.0", 10, date(2026, 6, 1), date(2026, 11, 28))
        assert recert.ending(Cert(), window) == recert.EndingSoon(date(2026, 11, 28), "recertify for v10")
        stored = Cert(recert_due_on=date(2026, 11, 28))
        assert recert.ending(stored, release_major=11) == recert.EndingSoon(date(2026, 11, 28), "recertify for v11")

    def test_validity_first_when_it_ends_before_the_deadline(self):
        cert = Cert(expires_on=date(2026, 10, 1), recert_due_on=date(2026, 11, 28))
        assert recert.ending(cert).reason == "validity ends"
