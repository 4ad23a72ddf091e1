"""Every HTML route, written by hand; the API lives under /api/v1/ (apc/api_urls.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apc import views
from apc.forms import LoginForm

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
    path("watchlist/", include("watchlist.urls")),
    path("api/v1/", include("apc.api_urls")),
    path("admin/", admin.site.urls),
]
