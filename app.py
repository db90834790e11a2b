"""Chalice's entry point: the whole service is built in functions/."""

from functions.api.application import create_app

app = create_app()
