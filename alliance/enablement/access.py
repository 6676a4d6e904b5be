"""Who may do what with learning progress, exams, labs and certifications.

Partner admins record their own people's learning and exams (in practice these arrive from the
learning system); any partner user may hand in a lab for their own people; vendor evaluators
(program admins, PS leads, co-sell resources and channel account managers) grade labs. Auditors
and executives read only. Scope decides "own": another partner's person is not found.
"""

from __future__ import annotations

from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, Role

RECORDER_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN})
SUBMITTER_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN, Role.PARTNER_USER})
GRADER_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD, Role.COSELL_RESOURCE, Role.CAM})


def require_recorder(actor: Actor) -> None:
    if actor.role not in RECORDER_ROLES:
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot record learning progress; partner admins and program admins can.")


def require_submitter(actor: Actor) -> None:
    if actor.role not in SUBMITTER_ROLES:
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot submit labs; partner users submit for their own people.")


def require_grader(actor: Actor) -> None:
    if actor.role not in GRADER_ROLES:
        raise PermissionDenied(
            f"Your role ({actor.role.label}) cannot grade labs; program admins, PS leads, co-sell resources and channel account managers can."
        )
