"""The Django admin, open to active superusers only (staff status alone is not enough)."""

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite


class SuperuserAdminSite(AdminSite):
    site_header = "APC administration"
    site_title = "APC administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class APCAdminConfig(AdminConfig):
    default_site = "apc.admin_site.SuperuserAdminSite"
