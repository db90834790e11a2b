"""Builds the Chalice application: the routes and the code-set stream's two handlers (the
session purge; the security events and emails), over lazy services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, ConvertToMiddleware, DynamoDBEvent, Request, Response

from ..bootstrap import LazyServices, build_services
from ..logs import logger
from ..settings import Settings
from ..stream.handler import (
    make_logout_handler,
    make_notify_handler,
    make_record_handler,
    process_batch,
)
from .errors import error_response, uniform_error
from .http import HttpError, from_trusted_origin
from .routes import ROUTES
from .routing import register

APP_NAME = "backup-codes"
PURGE_FUNCTION = "purge_sessions"
LOGOUT_FUNCTION = "backchannel_logout"
NOTIFY_FUNCTION = "notify_security_events"


def _register_stream_functions(app: Chalice, services: LazyServices,
                               settings: Settings) -> None:
    """The stream Lambdas. Chalice wants a stream ARN when the app is defined; in AWS the
    event source mappings are CloudFormation's (infra/template.yaml, on the tables' real
    streams)."""
    functions = (
        (PURGE_FUNCTION, settings.code_sets_stream_arn, 100,
         make_record_handler(lambda: services().purges)),
        # A second consumer of the same stream, a Lambda of its own: a failing email never
        # re-runs or holds up a purge, nor a failing purge an email.
        (NOTIFY_FUNCTION, settings.code_sets_stream_arn, 25,
         make_notify_handler(lambda: services().security)),
        # The sessions table's stream: each ended session's applications are told.
        (LOGOUT_FUNCTION, settings.sessions_stream_arn, 25,
         make_logout_handler(lambda: services().logout, settings.public_origin)),
    )
    for name, stream_arn, batch_size, record_handler in functions:
        app.on_dynamodb_record(stream_arn=stream_arn, batch_size=batch_size,
                               name=name)(_batch_of(record_handler, name))


def _batch_of(record_handler: Callable[[dict[str, Any]], Any], name: str
              ) -> Callable[[DynamoDBEvent], dict[str, Any]]:
    def handle(event: DynamoDBEvent) -> dict[str, Any]:
        return process_batch(event.to_dict(), event.context, record_handler)

    # Chalice names the Lambda's handler string after the function: app.<name>, which
    # app.py exports.
    handle.__name__ = handle.__qualname__ = name
    return handle


def create_app(services: LazyServices | None = None,
               settings: Settings | None = None) -> Chalice:
    settings = settings or Settings.from_env()
    services = services or LazyServices(lambda: build_services(settings))
    app = Chalice(app_name=APP_NAME)
    # Every log line of an invocation carries its request id and whether it was a
    # cold start, for the HTTP routes and the stream handler alike.
    app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context))
    register(app, ROUTES, services, settings)
    _register_stream_functions(app, services, settings)

    @app.middleware("http")
    def contract_errors(request: Request, get_response: Callable[[Request], Response]) -> Response:
        if not from_trusted_origin(request, settings.origin_secrets):
            return error_response(HttpError(403, "forbidden",
                                            "Use the service's own address."))
        return uniform_error(get_response(request))

    return app
