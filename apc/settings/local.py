"""The embedded default: DEBUG on, SQLite file and filesystem broker unless the environment
says otherwise. Never for production."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret"  # noqa: F405
WATCHLIST_IMPORT_USER = env("WATCHLIST_IMPORT_USER", default="directorate")
