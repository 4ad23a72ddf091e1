"""HTML routes of the watchlist (namespace "watchlist")."""

from watchlist.views import country, manage

app_name = "watchlist"

urlpatterns = [*manage.urlpatterns, *country.urlpatterns]
