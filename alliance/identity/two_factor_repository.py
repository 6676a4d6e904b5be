"""Authenticators, their recovery codes, and the one-row sign-in policy."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from alliance.identity.models import RecoveryCode, SignInSettings, TwoFactor
from alliance.kit import clock
from alliance.kit.repository import Repository

POLICY_ID = 1


class TwoFactorRepository(Repository[TwoFactor]):
    model = TwoFactor

    def of_user(self, user_id: int) -> TwoFactor | None:
        return self.session.scalars(select(TwoFactor).where(TwoFactor.user_id == user_id)).first()

    def of_user_for_change(self, user_id: int) -> TwoFactor | None:
        return self.lock_first(select(TwoFactor).where(TwoFactor.user_id == user_id))

    def confirmed_user_ids(self, user_ids: list[int]) -> set[int]:
        statement = select(TwoFactor.user_id).where(TwoFactor.user_id.in_(user_ids), TwoFactor.confirmed_at.is_not(None))
        return set(self.session.scalars(statement))


class RecoveryCodeRepository(Repository[RecoveryCode]):
    model = RecoveryCode

    def unused(self, two_factor_id: int) -> list[RecoveryCode]:
        return list(self.session.scalars(select(RecoveryCode).where(RecoveryCode.two_factor_id == two_factor_id, RecoveryCode.used_at.is_(None))))

    def count_unused(self, two_factor_id: int) -> int:
        statement = select(func.count()).where(RecoveryCode.two_factor_id == two_factor_id, RecoveryCode.used_at.is_(None))
        return int(self.session.scalar(statement) or 0)

    def remove_all(self, two_factor_id: int) -> None:
        self.session.execute(delete(RecoveryCode).where(RecoveryCode.two_factor_id == two_factor_id))


class SignInSettingsRepository(Repository[SignInSettings]):
    model = SignInSettings

    def current(self) -> SignInSettings:
        """The policy (migration 0025 creates its row; without one, nothing is required)."""
        return self.get(POLICY_ID) or SignInSettings(id=POLICY_ID, require_vendor_two_factor=False, updated_at=clock.now())

    def current_for_change(self) -> SignInSettings:
        return self.get_for_change(POLICY_ID) or self.add(SignInSettings(id=POLICY_ID, require_vendor_two_factor=False, updated_at=clock.now()))
