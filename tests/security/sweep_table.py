"""The permission sweep table: one entry per route name (admin excluded), each with a kwargs
builder over the sweep world (tests/security/world.py) and the expected answer per role.

Roles: anonymous, chef_a1 (A1), chef_a (A, over A1), chef_b1 (B1: no scope over A1),
staff_a1 (medarbetare, reporter of the world's cases), investigator (assigned to the lex Sarah
case), au, quality (ASF), admin, quality_x (kvalitetsstrateg of another förvaltning).

G(ok=…, nf=…) is a page: `ok` → 200, `nf` → 404, `moved` → 302, every other logged-in role 403,
anonymous → login. P(roles, nf=…) is a POST-only view: GET → 405 for `roles` (403 for the rest);
a POST from the probe roles (anonymous, chef_b1, staff_a1, admin, quality_x) is refused — 404 for
`nf`, 403 outside `roles`, login for anonymous — and must change nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.security.world import MARK

ROLES = (
    "anonymous",
    "chef_a1",
    "chef_a",
    "chef_b1",
    "staff_a1",
    "investigator",
    "au",
    "quality",
    "admin",
    "quality_x",
)
PROBES = ("anonymous", "chef_b1", "staff_a1", "admin", "quality_x")
BLIND = ("chef_b1", "quality_x")  # no scope over A1 / ASF: lists must not show the world

ALL = "chef_a1 chef_a chef_b1 staff_a1 investigator au quality admin quality_x"
CHEFS = "chef_a1 chef_a chef_b1"
QUAL = "quality quality_x"
INBOX = f"{CHEFS} {QUAL} investigator au"
READ = f"{CHEFS} {QUAL} au"  # riskanalys, egenkontroll, tillsyn: readers
WRITE = f"{CHEFS} {QUAL}"
OUT = "chef_b1 quality_x"  # role fits, scope does not
NO_CASE = "chef_b1 investigator au admin quality_x"  # none of these sees the complaint/deviation


def _roles(text: str) -> set[str]:
    return set(text.split())


def G(ok: str = "", nf: str = "", moved: str = "", anon: int = 302) -> dict[str, int]:
    codes = {role: 403 for role in ROLES}
    codes.update(
        {r: 200 for r in _roles(ok)}
        | {r: 404 for r in _roles(nf)}
        | {r: 302 for r in _roles(moved)}
    )
    codes["anonymous"] = anon
    return codes


@dataclass(frozen=True)
class Post:
    get: dict[str, int]
    post: dict[str, int]


def P(roles: str, nf: str = "", anon_get: int = 302, readers: str = "", **post_codes: int) -> Post:
    """`readers`: roles who may read the object but not act; a GET is refused as a method
    (405) before the action's rule is asked, which tells them nothing they cannot see."""
    allowed = _roles(roles)
    get = {role: (405 if role in allowed | _roles(readers) else 403) for role in ROLES}
    get["anonymous"] = anon_get
    post = {}
    for role in PROBES:
        if role == "anonymous":
            post[role] = 302
        elif role in post_codes:
            post[role] = post_codes[role]
        elif role in _roles(nf):
            post[role] = 404
        elif role not in allowed:
            post[role] = 403
        else:
            raise AssertionError(f"say what a POST by {role} gives")
    return Post(get, post)


@dataclass(frozen=True)
class E:
    kwargs: Callable
    expect: dict[str, int] | Post
    query: Callable | str = ""
    htmx: bool = False  # also fetched with HX-Request: true (same answers)
    marker: Callable | None = None  # shown to `seen_by`, never to the BLIND roles
    seen_by: str = "chef_a1"
    post_data: Callable = field(default=lambda w: {})
    anon_to: str = "/logga-in/"


NONE = lambda w: {}  # noqa: E731
COMPLAINT = lambda w: {"reference": w.complaint.reference}  # noqa: E731
DEVIATION = lambda w: {"reference": w.deviation.reference}  # noqa: E731
LEXSARAH = lambda w: {"reference": w.lexsarah.reference}  # noqa: E731


def pk(attr: str, **more: str) -> Callable:
    return lambda w: {"pk": getattr(w, attr).pk, **{k: getattr(w, v).pk for k, v in more.items()}}


def text(key: str) -> Callable:
    return lambda w: MARK[key]


CASE_POST = P(ALL, nf="chef_b1 staff_a1 admin quality_x")  # any user; invisible → 404
RISK_POST = P(WRITE, nf=OUT)
# The AU reads supervisions (the page) but takes no step on them.
SUP_POST = P(WRITE, nf=OUT, readers="au")

TABLE: dict[str, E] = {
    # --- project level ---------------------------------------------------------------------
    "start": E(NONE, G(ok=ALL), marker=lambda w: w.complaint.reference, seen_by="staff_a1"),
    "login": E(NONE, G(moved=ALL, anon=200)),
    # Not behind the mixin: GET is 405 for everyone, a POST just logs out.
    "logout": E(NONE, P(ALL, anon_get=405, chef_b1=302, staff_a1=302, admin=302, quality_x=302)),
    "health": E(NONE, G(ok=ALL, anon=200)),
    "two_factor": E(NONE, G(ok=ALL)),
    # Single sign-on: 404 while unconfigured (the sweep's settings); the journeys with real
    # IdPs are tests/browser/test_sso_*_journey.py. The two result pages are the same for all.
    "sso_oidc_login": E(NONE, G(nf=ALL, anon=404)),
    "sso_oidc_callback": E(NONE, G(nf=ALL, anon=404)),
    "saml2_login": E(NONE, G(nf=ALL, anon=404)),
    # The IdP posts here cross-site (no CSRF token): without a SAMLResponse it is a 400, and
    # unconfigured SAML never gets further.
    "saml2_acs": E(NONE, Post({r: 405 for r in ROLES}, {r: 400 for r in PROBES})),
    "saml2_ls": E(NONE, G(nf=ALL, anon=404)),
    "saml2_ls_post": E(NONE, G(nf=ALL, anon=404)),
    "saml2_metadata": E(NONE, G(nf=ALL, anon=404)),
    "sso_refused": E(NONE, G(anon=403)),
    "sso_failed": E(NONE, {role: 400 for role in ROLES}),
    "imports": E(NONE, G(ok=QUAL)),
    "imports_execute": E(pk("import_job"), P(QUAL, quality_x=404)),  # someone else's job
    # One organisation-wide row (issue 18): every kvalitetsstrateg edits it.
    "organisation_settings": E(NONE, G(ok=QUAL)),
    # --- the shared case page -------------------------------------------------------------
    "cases:accesslog": E(NONE, G(ok=f"{CHEFS} {QUAL}"), marker=lambda w: w.complaint.reference),
    # staff_a1 reported the complaint: a status-only page (tests/lexsarah/test_views.py).
    "cases:detail": E(COMPLAINT, G(ok="chef_a1 chef_a quality staff_a1", nf=NO_CASE)),
    "cases:history": E(COMPLAINT, G(ok="chef_a1 chef_a quality staff_a1", nf=NO_CASE)),
    "cases:pdf": E(
        COMPLAINT, G(ok="chef_a1 chef_a quality", nf="chef_b1 investigator au quality_x")
    ),
    "cases:attachment": E(
        lambda w: {"reference": w.complaint.reference, "pk": w.attachment.pk},
        G(ok="chef_a1 chef_a quality", nf=f"{NO_CASE} staff_a1"),
    ),
    # A closed action's form (issue 16): the note form for its handlers (the chefs); a
    # kvalitetsstrateg reads the case but may not act (403); the reporter, who has a status
    # page only, and those who cannot see the case get 404, as from the note POST.
    "cases:action_form": E(
        lambda w: {"reference": w.complaint.reference, "name": "note"},
        G(ok="chef_a1 chef_a", nf=f"{NO_CASE} staff_a1"),
    ),
    "cases:note_add": E(COMPLAINT, CASE_POST, post_data=lambda w: {"text": "Intrång"}),
    "cases:measure_add": E(COMPLAINT, CASE_POST),
    # Fördela (issue 18): the world's complaint sits in a section already, so nobody may.
    "cases:route": E(COMPLAINT, CASE_POST),
    "cases:attachment_add": E(COMPLAINT, CASE_POST),
    "cases:measure_status": E(
        lambda w: {"reference": w.complaint.reference, "pk": w.case_measure.pk},
        CASE_POST,
        post_data=lambda w: {f"ms{w.case_measure.pk}-status": "genomford"},
    ),
    # --- inbox: list, search, htmx fragment, XLSX export, bulk ---------------------------
    "inbox:list": E(NONE, G(ok=INBOX), query="?q=Rutinen", htmx=True, marker=text("complaint")),
    "inbox:export": E(NONE, G(ok=INBOX), marker=lambda w: w.complaint.reference),
    # Bulk acts only on handleable cases: chef_b1 is sent back with nothing done.
    "inbox:bulk": E(
        NONE,
        P(INBOX, chef_b1=302, quality_x=302),
        post_data=lambda w: {"action": "receive", "cases": [w.complaint.pk, w.deviation.pk]},
    ),
    # --- public e-service -----------------------------------------------------------------
    "public:complaint": E(NONE, G(ok=ALL, anon=200)),
    "public:receipt_shown": E(NONE, G(ok=ALL, anon=200)),
    "public:receipt": E(NONE, G(ok=ALL, anon=200)),
    "public:receipt_status": E(NONE, G(moved=ALL), anon_to="/e-tjanst/kvitto/"),
    "public:receipt_close": E(
        NONE,
        P(ALL, anon_get=405, chef_b1=302, staff_a1=302, admin=302, quality_x=302),
        anon_to="/e-tjanst/kvitto/",
    ),
    # --- complaints ----------------------------------------------------------------------
    "complaints:staff_create": E(NONE, G(ok=ALL)),
    "complaints:register": E(NONE, G(ok=WRITE)),
    **{
        f"complaints:{n}": E(COMPLAINT, CASE_POST)
        for n in ("receive", "assign", "assess", "measure", "reply", "resume", "close", "escalate")
    },
    # --- deviations ------------------------------------------------------------------------
    "deviations:report": E(NONE, G(ok=ALL)),
    "deviations:receipt": E(DEVIATION, G(ok="staff_a1", nf=f"{ALL.replace('staff_a1', '')}")),
    **{
        f"deviations:{n}": E(DEVIATION, CASE_POST)
        for n in ("receive", "assign", "investigate", "classify", "measure", "close", "reclassify")
    },
    # --- lex Sarah -------------------------------------------------------------------------
    "lexsarah:create": E(NONE, G(ok=ALL)),
    "lexsarah:mine": E(NONE, G(ok=ALL), marker=lambda w: w.lexsarah.reference, seen_by="staff_a1"),
    "lexsarah:au_list": E(NONE, G(ok=f"au {QUAL}")),
    "lexsarah:au_create": E(NONE, P("au")),
    "lexsarah:au_meeting": E(pk("meeting"), G(ok=f"au {QUAL}")),
    "lexsarah:au_pdf": E(pk("meeting"), G(ok=f"au {QUAL}")),
    "lexsarah:agenda_add": E(pk("meeting"), P("au")),
    "lexsarah:agenda_decide": E(pk("meeting", item_pk="agenda_item"), P("au")),
    "lexsarah:investigation": E(
        pk("investigation"),
        G(ok="chef_a1 chef_a investigator au quality", nf="chef_b1 staff_a1 admin quality_x"),
    ),
    **{
        f"lexsarah:{n}": E(pk("investigation"), CASE_POST)
        for n in ("inv_assess", "inv_reopen", "inv_add", "inv_attach")
    },
    "lexsarah:ivo_pdf": E(
        LEXSARAH,
        G(ok="chef_a1 chef_a au investigator quality", nf="chef_b1 staff_a1 admin quality_x"),
    ),
    **{
        f"lexsarah:{n}": E(LEXSARAH, CASE_POST)
        for n in (
            "receive",
            "measure",
            "assign",
            "investigate",
            "urgent",
            "ivo_sent",
            "ivo_decision",
            "imy",
            "close",
        )
    },
    # --- riskanalys ------------------------------------------------------------------------
    "riskanalysis:list": E(NONE, G(ok=READ), marker=text("analysis")),
    "riskanalysis:create": E(NONE, G(ok=WRITE)),
    "riskanalysis:from_cases": E(NONE, G(ok=WRITE), marker=lambda w: w.deviation.reference),
    "riskanalysis:detail": E(pk("analysis"), G(ok="chef_a1 chef_a quality au", nf=OUT)),
    "riskanalysis:edit": E(pk("analysis"), G(ok="chef_a1 chef_a quality", nf=OUT)),
    "riskanalysis:risk_edit": E(
        pk("analysis", risk_pk="risk"), G(ok="chef_a1 chef_a quality", nf=OUT)
    ),
    **{
        f"riskanalysis:{n}": E(pk("analysis"), RISK_POST)
        for n in ("risk_add", "complete", "follow_up", "reopen")
    },
    **{
        f"riskanalysis:{n}": E(pk("analysis", risk_pk="risk"), RISK_POST)
        for n in ("risk_measure", "risk_deviation")
    },
    # --- egenkontroll ---------------------------------------------------------------------
    "selfcontrol:list": E(NONE, G(ok=READ), marker=text("plan")),
    "selfcontrol:year": E(NONE, G(ok=READ), query="?year=2025", marker=text("plan")),
    "selfcontrol:plan_create": E(NONE, G(ok=WRITE)),
    "selfcontrol:plan_detail": E(pk("plan"), G(ok="chef_a1 chef_a quality au", nf=OUT)),
    "selfcontrol:plan_edit": E(pk("plan"), G(ok="chef_a1 chef_a quality", nf=OUT)),
    "selfcontrol:plan_schedule": E(pk("plan"), RISK_POST),
    "selfcontrol:run_detail": E(pk("run"), G(ok="chef_a1 chef_a quality au", nf=OUT)),
    "selfcontrol:run_edit": E(pk("run"), G(ok="chef_a1 chef_a quality", nf=OUT)),
    **{
        f"selfcontrol:{n}": E(pk("run"), RISK_POST)
        for n in (
            "run_start",
            "run_complete",
            "run_reopen",
            "run_measure",
            "run_deviation",
            "run_draw",
        )
    },
    "selfcontrol:log_review": E(pk("run", sample_pk="sample"), RISK_POST),
    # --- tillsyn --------------------------------------------------------------------------
    # --- arkivleverans: the kvalitetsstrateg is the arkivansvarig; quality_x has no scope over
    # the ASF delivery (404) but edits the nämnd-wide plan like any kvalitetsstrateg ----------
    "archive:list": E(
        NONE, G(ok=QUAL), marker=lambda w: w.delivery.package_name, seen_by="quality"
    ),
    "archive:create": E(NONE, P(QUAL, quality_x=400)),
    "archive:create_item": E(NONE, P(QUAL, quality_x=400)),
    "archive:plan": E(NONE, G(ok=QUAL)),
    "archive:plan_set": E(lambda w: {"subject": "lexsarah"}, P(QUAL, quality_x=400)),
    "archive:delivery": E(pk("delivery"), G(ok="quality", nf="quality_x")),
    "archive:receipt": E(pk("delivery"), P(QUAL, nf="quality_x")),
    "archive:package": E(pk("delivery"), G(ok="quality", nf="quality_x")),
    "supervision:list": E(NONE, G(ok=READ), marker=text("supervision")),
    "supervision:create": E(NONE, G(ok=WRITE)),
    "supervision:detail": E(pk("supervision"), G(ok="chef_a1 chef_a quality au", nf=OUT)),
    "supervision:history": E(pk("supervision"), G(ok="chef_a1 chef_a quality au", nf=OUT)),
    "supervision:edit": E(pk("supervision"), G(ok="chef_a1 chef_a quality", nf=OUT)),
    **{
        f"supervision:{n}": E(pk("supervision"), SUP_POST)
        for n in ("decision_add", "measure_add", "response_sent", "supplement", "close")
    },
    "supervision:measure_complete": E(pk("supervision", measure_pk="sup_measure"), SUP_POST),
    # --- utvecklingsområden ---------------------------------------------------------------
    "reports:development_area_list": E(NONE, G(ok=WRITE), marker=text("area")),
    "reports:development_area_create": E(NONE, G(ok=WRITE)),
    **{
        f"reports:development_area_{n}": E(pk("area"), G(ok="chef_a1 chef_a quality", nf=OUT))
        for n in ("detail", "edit", "follow_up")
    },
    # --- enhetens sammanställning och analys ------------------------------------------------
    "reports:analysis_list": E(NONE, G(ok=WRITE), marker=lambda w: "Sektion A1"),
    "reports:analysis_detail": E(pk("unit_analysis"), G(ok="chef_a1 chef_a quality", nf=OUT)),
    "reports:analysis_save": E(pk("unit_analysis"), RISK_POST),
    "reports:analysis_submit": E(pk("unit_analysis"), RISK_POST),
    # Rounds are organisation-wide (one per year); the overview lists only analyses in scope.
    "reports:analysis_round_open": E(NONE, P(QUAL, quality_x=302)),
    "reports:analysis_overview": E(
        lambda w: {"year": 2025}, G(ok=QUAL), marker=lambda w: "Sektion A1", seen_by="quality"
    ),
    "reports:analysis_round_edit": E(lambda w: {"year": 2025}, G(ok=QUAL)),
    # --- kvalitetsberättelse (förvaltning ASF) ----------------------------------------------
    "reports:edition_list": E(
        NONE,
        G(ok=QUAL),
        marker=lambda w: f'href="{w.edition.get_absolute_url()}"',
        seen_by="quality",
    ),
    "reports:edition_create": E(NONE, P(QUAL, quality_x=400)),  # form refuses a unit out of scope
    "reports:statistics": E(NONE, G(ok=WRITE), marker=lambda w: "Sektion A1"),
    "reports:statistics_xlsx": E(NONE, G(ok=WRITE), query="?block=1&table=0"),
    "reports:statistics_signals": E(NONE, G(ok=WRITE)),
    "reports:edition_detail": E(pk("edition"), G(ok="quality", nf="quality_x")),
    "reports:edition_job": E(
        pk("edition", job_pk="compile_job"), G(ok="quality", nf="quality_x"), htmx=True
    ),
    "reports:edition_pdf": E(pk("edition"), G(ok="quality", nf="quality_x")),
    "reports:compiled_pdf": E(
        pk("edition", compiled_pk="compiled"), G(ok="quality", nf="quality_x")
    ),
    "reports:block_preview": E(
        pk("edition", block_pk="data_block"), G(ok="quality", nf="quality_x"), htmx=True
    ),
    **{
        f"reports:{n}": E(pk("edition"), P(QUAL, nf="quality_x"))
        for n in (
            "edition_meta",
            "edition_logo",
            "section_add",
            "edition_submit",
            "edition_return",
            "edition_approve",
            "edition_compile",
        )
    },
    **{
        f"reports:{n}": E(pk("edition", section_pk="section"), P(QUAL, nf="quality_x"))
        for n in ("section_rename", "section_delete", "section_move", "block_add")
    },
    **{
        f"reports:{n}": E(pk("edition", block_pk="block"), P(QUAL, nf="quality_x"))
        for n in ("block_save", "block_delete")
    },
}
