"""Klagomål och synpunkter (DESIGN §3.1): intake, handling, reply, escalation.

Every transition is its own small service calling `case_transition`; the complaint's own row is
saved with `audited_save` so the history tab shows who changed what and why.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import case_action_require
from cases.complaints.models import Complaint, ComplaintAddition, ComplaintSource
from cases.complaints.workflow import COMPLAINT_WORKFLOW, ComplaintOutcome, ComplaintStatus
from cases.models import Case, CaseKind, Code, CodeList, Measure, MeasureLevel, Unit
from cases.queue import task
from cases.services.cases import (
    case_assign,
    case_assignee_require,
    case_create,
    case_spawn,
    case_transition,
)
from cases.services.errors import ServiceError, TransitionNotAllowed
from cases.services.history import audited_save, reason_clean
from cases.services.parts import (
    attachment_add,
    case_link,
    close_over_unfinished_measures,
    measure_create,
)
from cases.types import User

logger = logging.getLogger(__name__)

DESCRIPTION_MAX = 20_000
ADDITION_MAX = 10_000
REPLY_MAX = 20_000
# Measures on a complaint concern the single case or the whole verksamhet (issue #3).
COMPLAINT_MEASURE_LEVELS = (MeasureLevel.CASE, MeasureLevel.UNIT)

# --- Receipt codes ---------------------------------------------------------------------------
# No 0/O, 1/I/L: easy to read aloud and type. 16 characters in groups of four; the first group
# is a selector stored in clear (finds the row), the other twelve (60 bits) are the secret.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LEN = 4


def receipt_code_generate() -> str:
    chars = [secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_GROUPS * RECEIPT_GROUP_LEN)]
    groups = ["".join(chars[i : i + RECEIPT_GROUP_LEN]) for i in range(0, len(chars), 4)]
    return "-".join(groups)


def receipt_code_normalise(raw: str) -> str:
    """Accept lower case, spaces and missing dashes."""
    cleaned = "".join(ch for ch in (raw or "")[:200].upper() if ch.isascii() and ch.isalnum())
    return cleaned[: RECEIPT_GROUPS * RECEIPT_GROUP_LEN * 2]


def _hash_verifier(verifier: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}${verifier}".encode()).hexdigest()


def _receipt_parts(code: str) -> tuple[str, str]:
    normal = receipt_code_normalise(code)
    return normal[:RECEIPT_GROUP_LEN], normal[RECEIPT_GROUP_LEN:]


def receipt_hash(code: str) -> tuple[str, str]:
    """(selector, 'sha256$salt$digest'). A high-entropy random secret needs no slow hash."""
    selector, verifier = _receipt_parts(code)
    salt = secrets.token_hex(16)
    return selector, f"sha256${salt}${_hash_verifier(verifier, salt)}"


def receipt_matches(code: str, stored: str) -> bool:
    try:
        algorithm, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algorithm != "sha256":
        return False
    _selector, verifier = _receipt_parts(code)
    return hmac.compare_digest(_hash_verifier(verifier, salt), digest)


def complaint_by_receipt_code(code: str) -> Complaint | None:
    """The complaint a receipt code belongs to, or None. Never says which part was wrong."""
    selector, verifier = _receipt_parts(code)
    if len(selector) != RECEIPT_GROUP_LEN or len(verifier) != RECEIPT_GROUP_LEN * 3:
        return None
    candidates = Complaint.objects.filter(receipt_selector=selector).exclude(receipt_code_hash="")
    match = None
    for complaint in candidates.select_related("case"):
        # Check every candidate: the time taken does not reveal which one matched.
        if receipt_matches(code, complaint.receipt_code_hash) and match is None:
            match = complaint
    if match is not None and match.case.anonymised_at is not None:
        return None
    return match


def _reason(text: str) -> str:
    # simple-history keeps the reason in a 100-character column.
    return reason_clean(text)


# --- Creating ------------------------------------------------------------------------------


def _code(codelist: str, value: Code | str | None) -> Code | None:
    if value is None or value == "":
        return None
    if isinstance(value, Code):
        if value.codelist != codelist:
            raise ServiceError(_("Fel kodlista för %s.") % value)
        return value
    found = Code.objects.filter(codelist=codelist, code=value).first()
    if found is None:
        raise ServiceError(_("Okänt värde: %s.") % value)
    return found


def _check_text(text: str, *, maximum: int, empty_message: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ServiceError(empty_message)
    if len(text) > maximum:
        raise ServiceError(
            _("Texten är för lång. Skriv högst %(max)s tecken (du skrev %(n)s).")
            % {"max": f"{maximum:,}".replace(",", " "), "n": f"{len(text):,}".replace(",", " ")}
        )
    return text


class ComplaintAttachmentError(ServiceError):
    """The attached file was refused; the form shows it beside the file field."""


@dataclass
class Submission:
    complaint: Complaint
    receipt_code: str  # shown once; empty when no code was made


@transaction.atomic
def complaint_create(
    *,
    source: str,
    unit: Unit,
    complaint_type: Code | str,
    description: str,
    actor: User | None,
    title: str = "",
    sender_category: Code | str | None = None,
    channel: Code | str | None = None,
    anonymous: bool = False,
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    occurred_on: date | None = None,
    received_at: datetime | None = None,
    reporter: User | None = None,
    topics: list[Code] | None = None,
    with_receipt_code: bool = False,
    attachments: list | None = None,
    reason: str = "",
) -> Submission:
    """Create the case and its complaint row. Anonymous means no contact data, whatever the
    caller passed (the service is the guarantee, not the form)."""
    if source not in ComplaintSource.values:
        raise ServiceError(_("Okänd källa."))
    description = _check_text(
        description, maximum=DESCRIPTION_MAX, empty_message=_("Beskriv vad som hänt.")
    )
    ctype = _code(CodeList.COMPLAINT_TYPE, complaint_type)
    if ctype is None:
        raise ServiceError(_("Välj vad ditt ärende gäller."))
    if anonymous:
        sender_name = sender_email = sender_phone = ""
    title = (title or "").strip()[:200] or _("%(type)s – %(unit)s") % {
        "type": ctype.label,
        "unit": unit.label_for_public,
    }
    case = case_create(
        kind=CaseKind.COMPLAINT,
        unit=unit,
        title=title[:200],
        description=description,
        occurred_on=occurred_on,
        received_at=received_at,
        reporter=reporter,
        actor=actor,
        reason=_reason(reason) or _("Klagomål/synpunkt registrerades"),
    )
    complaint = Complaint(
        case=case,
        source=source,
        complaint_type=ctype,
        sender_category=_code(CodeList.SENDER_CATEGORY, sender_category),
        channel=_code(CodeList.CHANNEL, channel),
        anonymous=anonymous,
        sender_name=sender_name.strip()[:200],
        sender_email=sender_email.strip()[:254],
        sender_phone=sender_phone.strip()[:40],
    )
    code = ""
    if with_receipt_code:
        code = receipt_code_generate()
        complaint.receipt_selector, complaint.receipt_code_hash = receipt_hash(code)
    audited_save(
        complaint, actor=actor, reason=_reason(reason) or _("Klagomål/synpunkt registrerades")
    )
    if topics:
        complaint.topics.set(topics)
    for upload in attachments or []:
        # A forbidden type or size rolls the whole submission back (and the reference number).
        try:
            attachment_add(case=case, upload=upload, actor=actor)
        except ServiceError as exc:
            raise ComplaintAttachmentError(str(exc)) from exc
    return Submission(complaint=complaint, receipt_code=code)


def complaint_submit_public(
    *,
    unit: Unit,
    complaint_type: Code | str,
    description: str,
    sender_category: Code | str | None = None,
    anonymous: bool = False,
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    occurred_on: date | None = None,
    attachments: list | None = None,
) -> Submission:
    """The public e-service: no user, channel e-tjänst, a receipt code shown once."""
    return complaint_create(
        source=ComplaintSource.EXTERNAL,
        unit=unit,
        complaint_type=complaint_type,
        description=description,
        actor=None,
        sender_category=sender_category,
        channel="e-tjanst",
        anonymous=anonymous,
        sender_name=sender_name,
        sender_email=sender_email,
        sender_phone=sender_phone,
        occurred_on=occurred_on,
        with_receipt_code=True,
        attachments=attachments,
        reason=_("Inkom via e-tjänsten"),
    )


def complaint_create_staff(
    *,
    unit: Unit,
    complaint_type: Code | str,
    title: str,
    description: str,
    actor: User,
    occurred_on: date | None = None,
    attachments: list | None = None,
) -> Submission:
    """Klagomål och synpunkter från personal: the reporter is the logged-in staff member."""
    return complaint_create(
        source=ComplaintSource.STAFF,
        unit=unit,
        complaint_type=complaint_type,
        title=title,
        description=description,
        actor=actor,
        reporter=actor,
        sender_category="personal",
        occurred_on=occurred_on,
        attachments=attachments,
        reason=_("Klagomål/synpunkt från personal"),
    )


def complaint_register(
    *,
    unit: Unit,
    complaint_type: Code | str,
    title: str,
    description: str,
    channel: Code | str | None,
    sender_category: Code | str | None,
    actor: User,
    received_on: date | None = None,
    anonymous: bool = False,
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    occurred_on: date | None = None,
) -> Submission:
    """A complaint received by letter, phone or visit, registered by staff for the sender."""
    category = _code(CodeList.SENDER_CATEGORY, sender_category)
    source = (
        ComplaintSource.STAFF
        if category is not None and category.code == "personal"
        else ComplaintSource.EXTERNAL
    )
    received_at = None
    if received_on and received_on != timezone.localdate():
        if received_on > timezone.localdate():
            raise ServiceError(_("Datumet då ärendet kom in kan inte vara i framtiden."))
        received_at = timezone.make_aware(datetime.combine(received_on, datetime.min.time()))
        received_at = received_at.replace(hour=12)
    return complaint_create(
        source=source,
        unit=unit,
        complaint_type=complaint_type,
        title=title,
        description=description,
        actor=actor,
        sender_category=category,
        channel=channel,
        anonymous=anonymous,
        sender_name=sender_name,
        sender_email=sender_email,
        sender_phone=sender_phone,
        occurred_on=occurred_on,
        received_at=received_at,
        reason=_("Registrerad av handläggare"),
    )


@transaction.atomic
def complaint_addition_add(*, complaint: Complaint, text: str) -> ComplaintAddition:
    """The sender adds information through the receipt code (no account, actor None)."""
    if not complaint.case.is_open:
        raise ServiceError(_("Ärendet är avslutat. Kontakta oss om du vill lämna nya uppgifter."))
    text = _check_text(text, maximum=ADDITION_MAX, empty_message=_("Skriv det du vill lägga till."))
    addition = ComplaintAddition(complaint=complaint, text=text)
    return audited_save(addition, actor=None, reason=_("Komplettering från avsändaren"))


# --- Handling (each transition its own service) ---------------------------------------------


def _allowed(case: Case, action: str, actor: User | None) -> None:
    """Every handling service starts here: a complaint, and the action offered to `actor` in
    the case's status by the table in cases/complaints/actions.py (the page asks the same
    table). Refused: ActionRefused (a 403 in views), or TransitionNotAllowed saying why."""
    if case.kind != CaseKind.COMPLAINT:
        raise ServiceError(_("Ärendet är inte ett klagomål eller en synpunkt."))
    case_action_require(case, action, actor)


def _complaint(case: Case) -> Complaint:
    """Lock the complaint row. Every complaint service starts here, so they run one at a time
    per case and `complaint.case.status` read under the lock is current."""
    if case.kind != CaseKind.COMPLAINT:
        raise ServiceError(_("Ärendet är inte ett klagomål eller en synpunkt."))
    return Complaint.objects.select_for_update(of=("self",)).select_related("case").get(pk=case.pk)


def _require_status(complaint: Complaint, from_status: str, to_status: str) -> None:
    """Two services share a target (under utredning); each only starts from its own status."""
    current = complaint.case.status
    if current != from_status:
        wf = COMPLAINT_WORKFLOW
        raise TransitionNotAllowed(wf.label(current), wf.label(to_status))


def complaint_email_recipient(complaint: Complaint) -> str:
    if complaint.anonymous:
        return ""
    if complaint.sender_email:
        return complaint.sender_email
    reporter = complaint.case.reporter if complaint.source == ComplaintSource.STAFF else None
    if reporter is not None:
        return reporter.email or ""
    return ""


@transaction.atomic
def complaint_receive(*, case: Case, actor: User, reason: str = "", notify: bool = True) -> Case:
    """Inkommen → under utredning; sends the acknowledgement when an address is known."""
    _allowed(case, "receive", actor)
    complaint = _complaint(case)
    _require_status(complaint, ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING)
    moved = case_transition(
        case=case,
        to_status=ComplaintStatus.INVESTIGATING,
        actor=actor,
        reason=_reason(reason) or _("Mottagen och utredning påbörjad"),
    )
    complaint.acknowledged_at = timezone.now()
    audited_save(complaint, actor=actor, reason=_("Mottagningsbekräftad"))
    if notify and complaint_email_recipient(complaint):
        complaint_email_enqueue(case_id=case.pk, kind="acknowledgement")
    return moved


@transaction.atomic
def complaint_assign(*, case: Case, assignee: User | None, actor: User, reason: str = "") -> Case:
    _allowed(case, "assign", actor)
    if not _complaint(case).case.is_open:
        raise ServiceError(_("Ärendet är avslutat."))
    case_assignee_require(case, assignee)
    return case_assign(case=case, assignee=assignee, actor=actor, reason=_reason(reason))


@transaction.atomic
def complaint_assess(
    *, case: Case, topics: list[Code], deviation_found: bool | None, actor: User, reason: str = ""
) -> Complaint:
    """Record the topics (multi) and whether the investigation found a deviation."""
    _allowed(case, "assess", actor)
    complaint = _complaint(case)
    if not complaint.case.is_open:
        raise ServiceError(_("Ärendet är avslutat."))
    wrong = [t for t in topics if t.codelist != CodeList.COMPLAINT_TOPIC]
    if wrong:
        raise ServiceError(_("Fel kodlista för ämne."))
    topics_changed = {t.pk for t in complaint.topics.all()} != {t.pk for t in topics}
    if not topics_changed and complaint.deviation_found == deviation_found:
        return complaint
    if topics_changed:
        # Set the topics without simple-history's own m2m row, so that the save below writes
        # ONE history row holding both the new topics and the deviation answer.
        complaint.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            complaint.topics.set(topics)
        finally:
            del complaint.skip_history_when_saving  # type: ignore[attr-defined]
    complaint.deviation_found = deviation_found
    return audited_save(
        complaint, actor=actor, reason=_reason(reason) or _("Bedömning registrerad")
    )


@transaction.atomic
def complaint_measure_add(
    *,
    case: Case,
    description: str,
    actor: User,
    level: str = MeasureLevel.CASE,
    measure_type: Code | None = None,
    responsible: User | None = None,
    due_date: date | None = None,
    reason: str = "",
) -> Measure:
    _allowed(case, "measure", actor)
    if not _complaint(case).case.is_open:
        raise ServiceError(_("Ärendet är avslutat."))
    if level not in COMPLAINT_MEASURE_LEVELS:
        raise ServiceError(_("Välj nivån enskilt ärende eller verksamhet."))
    description = _check_text(description, maximum=5000, empty_message=_("Beskriv åtgärden."))
    return measure_create(
        case=case,
        description=description,
        actor=actor,
        level=level,
        measure_type=measure_type,
        responsible=responsible,
        due_date=due_date,
        reason=_reason(reason) or _("Åtgärd efter klagomål"),
    )


@transaction.atomic
def complaint_reply(
    *,
    case: Case,
    reply_text: str,
    actor: User,
    replied_on: date | None = None,
    reason: str = "",
    notify: bool = True,
) -> Case:
    """Återkoppling to the sender: under utredning → besvarad; e-mailed when possible."""
    _allowed(case, "reply", actor)
    complaint = _complaint(case)
    text = _check_text(reply_text, maximum=REPLY_MAX, empty_message=_("Skriv återkopplingen."))
    replied_on = replied_on or timezone.localdate()
    if replied_on > timezone.localdate():
        raise ServiceError(_("Datumet för återkopplingen kan inte vara i framtiden."))
    moved = case_transition(
        case=case,
        to_status=ComplaintStatus.ANSWERED,
        actor=actor,
        reason=_reason(reason) or _("Återkoppling lämnad"),
    )
    complaint.reply_text = text
    complaint.replied_on = replied_on
    complaint.reply_email_sent_at = None  # a new reply is a new e-mail
    audited_save(complaint, actor=actor, reason=_reason(reason) or _("Återkoppling lämnad"))
    if notify and complaint_email_recipient(complaint):
        complaint_email_enqueue(case_id=case.pk, kind="reply")
    return moved


@transaction.atomic
def complaint_resume(*, case: Case, actor: User, reason: str = "") -> Case:
    """Besvarad → under utredning, e.g. when the sender adds information after the reply."""
    _allowed(case, "resume", actor)
    _require_status(_complaint(case), ComplaintStatus.ANSWERED, ComplaintStatus.INVESTIGATING)
    return case_transition(
        case=case,
        to_status=ComplaintStatus.INVESTIGATING,
        actor=actor,
        reason=_reason(reason) or _("Utredningen återupptogs"),
    )


@transaction.atomic
def complaint_close(
    *, case: Case, actor: User, reason: str, confirm_open_measures: bool = False
) -> Case:
    """Close with a reason; measures still planned or ongoing need the user's deliberate
    confirmation, which the history reason records."""
    _allowed(case, "close", actor)
    complaint = _complaint(case)
    if not (reason or "").strip():
        raise ServiceError(_("Skriv en motivering till att ärendet avslutas."))
    if complaint.deviation_found and not case.measures.exists():
        raise ServiceError(
            _("En avvikelse har konstaterats. Lägg till minst en åtgärd innan ärendet avslutas.")
        )
    confirmed = close_over_unfinished_measures(case, confirmed=confirm_open_measures)
    outcome = {True: ComplaintOutcome.DEVIATION, False: ComplaintOutcome.NO_DEVIATION, None: ""}[
        complaint.deviation_found
    ]
    # The confirmation first, so the length limit never cuts it off.
    why = f"{confirmed}. {reason.strip()}" if confirmed else reason
    return case_transition(
        case=case,
        to_status=ComplaintStatus.CLOSED,
        actor=actor,
        reason=_reason(why),
        outcome=outcome,
    )


# --- Escalation ------------------------------------------------------------------------------

ESCALATION_KINDS = (CaseKind.DEVIATION, CaseKind.LEXSARAH)


@transaction.atomic
def complaint_escalate(*, case: Case, kind: str, actor: User, reason: str, title: str = "") -> Case:
    """A complaint spawns a kvalitetsavvikelse or a lex Sarah report; lineage on both."""
    _allowed(case, "escalate", actor)
    _complaint(case)
    if kind not in ESCALATION_KINDS:
        raise ServiceError(_("Välj kvalitetsavvikelse eller lex Sarah."))
    if not (reason or "").strip():
        raise ServiceError(_("Skriv varför ärendet ska gå vidare."))
    reason = reason_clean(reason)
    title = (title or "").strip()[:200] or case.title
    description = _("Uppkom ur %(ref)s.\n\n%(text)s") % {
        "ref": case.reference,
        "text": case.description,
    }
    target = case_spawn(
        kind=kind,
        unit=case.unit,
        title=title,
        description=description,
        actor=actor,
        reporter=actor,
        occurred_on=case.occurred_on,
        source_case=case,
        reason=_reason(reason),
    )
    # The app service may already have linked it; case_link is idempotent.
    case_link(source=case, target=target, kind="escalated", actor=actor, reason=reason)
    return target


# --- E-mail ----------------------------------------------------------------------------------

EMAIL_KINDS = ("acknowledgement", "reply")


def complaint_email_enqueue(*, case_id: int, kind: str) -> None:
    """After commit: hand to Celery; if the broker is unreachable, send here and log it."""

    def _dispatch() -> None:
        try:
            task("cases.complaints.tasks.send_complaint_email").delay(case_id, kind)
        except Exception:  # noqa: BLE001 - any broker failure; the mail must still go out
            logger.warning(
                "Broker unreachable; sending complaint e-mail %s/%s inline",
                case_id,
                kind,
                exc_info=True,
            )
            try:
                complaint_email_send(case_id=case_id, kind=kind)
            except Exception:  # noqa: BLE001 - never break the user's request
                logger.exception("Complaint e-mail %s/%s failed", case_id, kind)

    transaction.on_commit(_dispatch)


def _email_body(complaint: Complaint, kind: str) -> tuple[str, str]:
    case = complaint.case
    if kind == "acknowledgement":
        subject = _("Vi har tagit emot ditt ärende %s") % case.reference
        body = _(
            "Hej!\n\nVi har tagit emot det du skickade till oss och börjat titta på det. "
            "Ditt ärendenummer är %(ref)s.\n\nDu får ett svar inom 14 dagar. Med din kvittokod "
            "kan du se hur det går och lägga till uppgifter på %(url)s.\n\n"
            "Med vänliga hälsningar\nSocialtjänsten"
        ) % {"ref": case.reference, "url": settings.SITE_URL.rstrip("/") + "/e-tjanst/kvitto/"}
    else:
        subject = _("Svar på ditt ärende %s") % case.reference
        body = _(
            "Hej!\n\nHär är vårt svar på det du skrev till oss (ärende %(ref)s):\n\n%(reply)s\n\n"
            "Med vänliga hälsningar\nSocialtjänsten"
        ) % {"ref": case.reference, "reply": complaint.reply_text}
    return subject, body


def complaint_email_send(*, case_id: int, kind: str) -> bool:
    """Idempotent: a sent e-mail is stamped on the complaint and never sent twice."""
    if kind not in EMAIL_KINDS:
        raise ValueError(kind)
    stamp = "ack_email_sent_at" if kind == "acknowledgement" else "reply_email_sent_at"
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("case", "case__reporter")
            .filter(pk=case_id)
            .first()
        )
        if complaint is None or getattr(complaint, stamp) is not None:
            return False
        recipient = complaint_email_recipient(complaint)
        if not recipient:
            return False
        subject, body = _email_body(complaint, kind)
        send_mail(subject, body, None, [recipient])
        setattr(complaint, stamp, timezone.now())
        audited_save(complaint, actor=None, reason=_("E-post skickad till avsändaren"))
    return True


# --- Retention (gallring) --------------------------------------------------------------------


def complaint_scrub(case: Case) -> None:
    """Called by cases.retention.case_scrub: remove the sender's data, keep type and topics."""
    complaint = Complaint.objects.filter(pk=case.pk).first()
    if complaint is None:
        return
    for addition in list(complaint.additions.all()):
        addition.text = ""
        audited_save(addition, actor=None, reason=_("Gallring"))
    ComplaintAddition.history.filter(complaint_id=case.pk).update(text="")
    scrubbed = {
        "sender_name": "",
        "sender_email": "",
        "sender_phone": "",
        "reply_text": "",
        "receipt_selector": "",
        "receipt_code_hash": "",
    }
    for name, value in scrubbed.items():
        setattr(complaint, name, value)
    audited_save(complaint, actor=None, reason=_("Gallring"))
    Complaint.history.filter(case_id=case.pk).update(**scrubbed)
