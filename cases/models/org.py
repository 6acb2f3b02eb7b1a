"""Organisation: a unit tree whose levels are data, and memberships (user, unit, role)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class UnitKind(models.Model):
    """A level in the tree (nämnd, förvaltning, avdelning …). Data, not code (DESIGN §2)."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    label = models.CharField(_("benämning"), max_length=80)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "label"]
        verbose_name = _("enhetsnivå")
        verbose_name_plural = _("enhetsnivåer")

    def __str__(self) -> str:
        return self.label


class UnitQuerySet(MP_NodeQuerySet):
    def valid_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):  # type: ignore[misc]
    pass


class Unit(MP_Node):
    """A node of the organisation. `path` (materialised path) makes subtree checks one LIKE."""

    code = models.CharField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    public_name = models.CharField(
        _("namn för allmänheten"),
        max_length=200,
        blank=True,
        help_text=_("Visas i e-tjänsten med ord som invånare förstår."),
    )
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, verbose_name=_("nivå"))
    valid_from = models.DateField(_("giltig från"), default=timezone.localdate)
    valid_to = models.DateField(_("giltig till"), null=True, blank=True)
    email = models.EmailField(_("funktionsbrevlåda"), blank=True)
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    node_order_by = ["name"]
    objects = UnitManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name

    @property
    def label_for_public(self) -> str:
        return self.public_name or self.name


class Role(models.TextChoices):
    MEDARBETARE = "medarbetare", _("Medarbetare")
    SEKTIONSCHEF = "sektionschef", _("Sektionschef / enhetschef")
    UTREDARE = "utredare", _("Lex Sarah-utredare")
    ARBETSUTSKOTT = "arbetsutskott", _("Arbetsutskott")
    KVALITETSSTRATEG = "kvalitetsstrateg", _("Kvalitetsstrateg")
    # Routes (fördelar) incoming cases that landed above the sections (issue 18).
    REGISTRATOR = "registrator", _("Registrator")
    ADMINISTRATOR = "administrator", _("Administratör")


class MembershipSource(models.TextChoices):
    """Who keeps a membership up to date: a person (by hand) or the single sign-on sync, which
    ends only the memberships it created itself."""

    MANUAL = "manual", _("Manuell")
    SSO = "sso", _("Inloggning (SSO)")


class MembershipQuerySet(models.QuerySet):
    def active(self, day=None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Membership(models.Model):
    """A role held in a unit. It reaches the unit's whole subtree (DESIGN §2)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("användare"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("enhet")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("giltig från"), default=timezone.localdate)
    valid_to = models.DateField(_("giltig till"), null=True, blank=True)
    source = models.CharField(
        _("källa"), max_length=10, choices=MembershipSource.choices, default=MembershipSource.MANUAL
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("roll i enhet")
        verbose_name_plural = _("roller i enheter")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"
