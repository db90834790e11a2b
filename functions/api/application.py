"""Builds the Chalice application: the routes and the stream handler, over lazy services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, ConvertToMiddleware, DynamoDBEvent, Request, Response

from ..bootstrap import LazyServices, build_services
from ..logs import logger
from ..settings import Settings
from ..stream.handler import make_logout_handler, make_record_handler, process_batch
from .errors import error_response, uniform_error
from .http import HttpError, from_trusted_origin
from .routes import ROUTES
from .routing import register

APP_NAME = "backup-codes"
PURGE_FUNCTION = "purge_sessions"
LOGOUT_FUNCTION = "backchannel_logout"


def create_app(services: LazyServices | None = None,
               settings: Settings | None = None) -> Chalice:
    settings = settings or Settings.from_env()
    services = services or LazyServices(lambda: build_services(settings))
    app = Chalice(app_name=APP_NAME)
    # Every log line of an invocation carries its request id and whether it was a
    # cold start, for the HTTP routes and the stream handler alike.
    app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context))
    register(app, ROUTES, services, settings)
    purge_record = make_record_handler(lambda: services().purges)

    # Chalice wants a stream ARN when the app is defined; in AWS the event source
    # mapping is CloudFormation's (infra/template.yaml, on the table's real stream).
    @app.on_dynamodb_record(stream_arn=settings.code_sets_stream_arn, batch_size=100,
                            name=PURGE_FUNCTION)
    def purge_sessions(event: DynamoDBEvent) -> dict[str, Any]:
        return process_batch(event.to_dict(), event.context, purge_record)

    logout_record = make_logout_handler(lambda: services().logout, settings.public_origin)

    # The sessions table's stream: each ended session's applications are told.
    @app.on_dynamodb_record(stream_arn=settings.sessions_stream_arn, batch_size=25,
                            name=LOGOUT_FUNCTION)
    def backchannel_logout(event: DynamoDBEvent) -> dict[str, Any]:
        return process_batch(event.to_dict(), event.context, logout_record)

    @app.middleware("http")
    def contract_errors(request: Request, get_response: Callable[[Request], Response]) -> Response:
        if not from_trusted_origin(request, settings.origin_secrets):
            return error_response(HttpError(403, "forbidden",
                                            "Use the service's own address."))
        return uniform_error(get_response(request))

    return app
