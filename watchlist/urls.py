"""HTML routes of the watchlist (namespace "watchlist")."""

from watchlist.views import alerts, country, manage

app_name = "watchlist"

urlpatterns = [*alerts.urlpatterns, *manage.urlpatterns, *country.urlpatterns]
