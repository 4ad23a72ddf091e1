from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apc.core.markings import MarkedModel


class Dossier(MarkedModel):
    """Marked record with an owner, a scope flag and object grants."""

    title = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with_analysts = models.BooleanField(default=False)

    class Meta:
        permissions = [("annotate_dossier", "May annotate the dossier")]

    def __str__(self) -> str:
        return self.title


class DossierUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)
