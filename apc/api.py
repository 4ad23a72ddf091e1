"""REST endpoints of the committee's plumbing: the caller's inbox and identity."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apc import selectors, services
from apc.core.api import PolicyViewSet
from apc.serializers import MeSerializer, NotificationSerializer


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """The caller's own notifications, newest first."""

    selector = staticmethod(selectors.notifications_for)
    serializer_class = NotificationSerializer

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        n = services.notification_mark_read(actor=request.user, notification=self.get_object())
        return Response(self.get_serializer(n).data)


class MeView(APIView):
    """Who the caller is: agency, clearance, roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
