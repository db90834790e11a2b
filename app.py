"""Chalice's entry point: the whole service is built in functions/."""

from functions.api.application import LOGOUT_FUNCTION, NOTIFY_FUNCTION, PURGE_FUNCTION, create_app

app = create_app()
# The stream Lambdas' handler strings: app.purge_sessions, app.notify_security_events and
# app.backchannel_logout.
purge_sessions = app.handler_map[PURGE_FUNCTION]
notify_security_events = app.handler_map[NOTIFY_FUNCTION]
backchannel_logout = app.handler_map[LOGOUT_FUNCTION]
