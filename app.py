"""Chalice's entry point: the whole service is built in functions/."""

from functions.api.application import NOTIFY_FUNCTION, PURGE_FUNCTION, create_app

app = create_app()
# The stream Lambdas' handler strings are app.purge_sessions and app.notify_security_events.
purge_sessions = app.handler_map[PURGE_FUNCTION]
notify_security_events = app.handler_map[NOTIFY_FUNCTION]
