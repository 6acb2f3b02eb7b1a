"""Handing work to Celery by task name.

A service enqueues its task and the task calls the service back; looking the task up by its
registered name (instead of importing the tasks module) keeps that a one-way dependency.
"""

from celery import current_app


def task(name: str):
    """The registered task. A worker has imported every app's tasks module at start; a web
    process has not, so the first look-up asks Celery's loader to import them (autodiscovery)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def celery_app():
    return current_app
