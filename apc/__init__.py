"""The APC project package and the committee app (app label "apc")."""

from .celery import app as celery_app

__all__ = ("celery_app",)
