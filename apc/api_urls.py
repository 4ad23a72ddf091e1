"""One DRF router for /api/v1/; each app registers its viewsets here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from afteraction.api import LessonViewSet, ReportViewSet
from apc.api import InboxViewSet, MeView
from apc.api_emergency import EmergencyRequestViewSet
from apc.meetings.api import ActionItemViewSet, MeetingViewSet
from plans.api import (
    PlanViewSet,
    PlaybookViewSet,
    StrategyViewSet,
    TargetGroupViewSet,
    ToolViewSet,
)
from watchlist.api import WatchlistViewSet
from watchlist.api_alerts import PolicyReviewViewSet, WarningViewSet

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inbox", InboxViewSet, basename="inbox")
router.register("watchlist", WatchlistViewSet, basename="watchlist")
router.register("alerts", WarningViewSet, basename="alerts")
router.register("reviews", PolicyReviewViewSet, basename="reviews")
router.register("emergency-requests", EmergencyRequestViewSet, basename="emergency-requests")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("plans", PlanViewSet, basename="plan")
router.register("playbooks", PlaybookViewSet, basename="playbook")
router.register("tools", ToolViewSet, basename="tool")
router.register("strategies", StrategyViewSet, basename="strategy")
router.register("target-groups", TargetGroupViewSet, basename="target-group")
router.register("afteraction/reports", ReportViewSet, basename="afteraction-report")
router.register("lessons", LessonViewSet, basename="lesson")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The CSV export of the (filtered) watchlist; the same as /api/v1/watchlist/?format=csv.
    path(
        "watchlist.csv",
        WatchlistViewSet.as_view({"get": "list"}),
        {"format": "csv"},
        name="watchlist-csv",
    ),
    *router.urls,
]
