"""Every HTML route, written by hand; the API lives under /api/v1/ (apc/api_urls.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apc import emergency_views, views
from apc.forms import LoginForm
from apc.meetings import views_outputs as meetings_outputs

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox-read-all"),
    path("inbox/<int:pk>/", views.NotificationDetailView.as_view(), name="inbox-detail"),
    path("inbox/<int:pk>/open/", views.notification_open, name="inbox-open"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("emergency/", include(emergency_views.urlpatterns)),
    path("meetings/", include("apc.meetings.urls")),
    # the secret, revocable iCalendar feed: no session (calendar clients cannot sign in)
    path("calendar/<str:token>.ics", meetings_outputs.calendar_feed, name="calendar-feed"),
    path("watchlist/", include("watchlist.urls")),
    path("plans/", include("plans.urls")),
    path("afteraction/", include("afteraction.urls")),
    path("api/v1/", include("apc.api_urls")),
    # OpenAPI 3 schema (401 without credentials) and its browsable docs (Swagger UI from the
    # sidecar's static files, its init script a separate request, so our CSP holds).
    path(
        "api/schema/",
        SpectacularAPIView.as_view(),
        name="api-schema",
    ),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]
