"""Read serializers of the committee's plumbing."""

from rest_framework import serializers

from apc.models import Agency, Notification, User


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "link", "marking", "created_at", "read", "read_at"]
        read_only_fields = fields


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "short_name"]


class MeSerializer(serializers.ModelSerializer):
    agency = AgencySerializer(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "agency", "clearance", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.roles)
