"""Each person's e-mail settings: how often they hear of each event type, and the time zone their
daily digest follows (the same service calls as the console's and portal's E-mail settings page)."""

from __future__ import annotations

from fastapi import Request

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.identity.permissions import Permission
from alliance.notifications import service as notification_service
from alliance.notifications.schemas import NotificationSettingsRead, PreferencesUpdate

router = api_router(tags=["notifications"])


@router.get("/me/notification-settings", response_model=NotificationSettingsRead, openapi_extra=allowed(Permission.OWN_EMAIL_SETTINGS))
def read_settings(request: Request, session: DbSession, actor: CurrentActor) -> NotificationSettingsRead:
    """The caller's choice per event type their role can receive, and their digest's time zone and hour."""
    return notification_service.settings(session, actor, default_zone=request.app.state.settings.time_zone, digest_hour=request.app.state.settings.digest_hour)


@router.put("/me/notification-settings", response_model=NotificationSettingsRead, openapi_extra=allowed(Permission.OWN_EMAIL_SETTINGS))
def change_settings(data: PreferencesUpdate, request: Request, session: DbSession, actor: CurrentActor) -> NotificationSettingsRead:
    """Change some choices (event type → immediately, daily_digest or off) and/or the time zone;
    what is left out stays as it is. Mandatory e-mails cannot be changed from immediately."""
    notification_service.set_preferences(session, actor, choices=data.choices, time_zone=data.time_zone)
    return notification_service.settings(session, actor, default_zone=request.app.state.settings.time_zone, digest_hour=request.app.state.settings.digest_hour)
