"""Chalice's entry point: the whole service is built in functions/."""

from functions.api.application import PURGE_FUNCTION, create_app

app = create_app()
# The stream Lambda's handler string is app.purge_sessions.
purge_sessions = app.handler_map[PURGE_FUNCTION]
