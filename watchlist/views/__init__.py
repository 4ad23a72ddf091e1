"""HTML views of the watchlist, one module per area (each with its own urlpatterns)."""
