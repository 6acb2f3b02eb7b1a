"""Klagomål och synpunkter (DESIGN §3.1): the complaint's own data beside the shared Case row."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.codes import Code, CodeList
from cases.models.core import Case


class ComplaintSource(models.TextChoices):
    # Counted separately in the kvalitetsberättelse (seed 000 §4.1.1 and §4.1.2).
    EXTERNAL = "utomstaende", _("Utomstående")
    STAFF = "personal", _("Personal")


class Complaint(models.Model):
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="complaint"
    )
    source = models.CharField(_("källa"), max_length=20, choices=ComplaintSource.choices)
    complaint_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"codelist": CodeList.COMPLAINT_TYPE},
        verbose_name=_("typ"),
    )
    topics = models.ManyToManyField(
        Code,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.COMPLAINT_TOPIC},
        verbose_name=_("ämnen"),
    )
    sender_category = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.SENDER_CATEGORY},
        verbose_name=_("avsändare"),
    )
    channel = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"codelist": CodeList.CHANNEL},
        verbose_name=_("kanal"),
    )
    anonymous = models.BooleanField(_("anonym"), default=False)
    sender_name = models.CharField(_("avsändarens namn"), max_length=200, blank=True)
    sender_email = models.EmailField(_("avsändarens e-post"), blank=True)
    sender_phone = models.CharField(_("avsändarens telefon"), max_length=40, blank=True)
    # Split token: the selector finds the row, only a salted hash of the verifier is kept.
    receipt_selector = models.CharField(max_length=8, blank=True, db_index=True)
    receipt_code_hash = models.CharField(max_length=200, blank=True)
    deviation_found = models.BooleanField(_("avvikelse konstaterad"), null=True, blank=True)
    reply_text = models.TextField(_("återkoppling"), blank=True)
    replied_on = models.DateField(_("återkoppling lämnad"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("mottagningsbekräftad"), null=True, blank=True)
    ack_email_sent_at = models.DateTimeField(_("bekräftelse skickad"), null=True, blank=True)
    reply_email_sent_at = models.DateTimeField(_("återkoppling skickad"), null=True, blank=True)
    # Read by case; the copied codes and the receipt selector are never looked up there.
    history = HistoricalRecords(
        m2m_fields=[topics],
        no_db_index=["complaint_type", "sender_category", "channel", "receipt_selector"],
    )

    class Meta:
        app_label = "cases"  # the tables stay cases_*: moved code, not moved data
        verbose_name = _("klagomål eller synpunkt")
        verbose_name_plural = _("klagomål och synpunkter")
        indexes = [models.Index(fields=["source"], name="complaint_source")]

    def __str__(self) -> str:
        return str(self.case)

    @property
    def has_contact(self) -> bool:
        return bool(self.sender_email or self.sender_phone or self.sender_name)


class ComplaintAddition(models.Model):
    """Information the sender added later through the receipt code (no account)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="additions", verbose_name=_("ärende")
    )
    text = models.TextField(_("kompletterande uppgifter"))
    created_at = models.DateTimeField(_("inkom"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "cases"  # the tables stay cases_*: moved code, not moved data
        ordering = ["created_at", "id"]
        verbose_name = _("komplettering från avsändaren")
        verbose_name_plural = _("kompletteringar från avsändaren")

    def __str__(self) -> str:
        return self.text[:60]
