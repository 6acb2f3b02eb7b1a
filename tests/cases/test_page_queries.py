"""Query budgets of the case page and the start page (issue 16 point 2): the case page of each
type in at most 15 queries whatever its measures, notes and attachments; the start page in a
constant number of queries whatever the number of cases, for every role."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.complaints.services import complaint_create
from cases.services.parts import attachment_add, measure_create, note_add
from deviations import services as dsvc
from lexsarah.services import lexsarah_report_create
from tests.factories import code

pytestmark = pytest.mark.django_db
CASE_PAGE_MAX_QUERIES = 15


def _case(org, kind: str):
    staff, unit = org.users["staff_a1"], org.units["A1"]
    if kind == "deviation":
        return dsvc.deviation_create(
            unit=unit, title="Fel dos", description="Fel dos gavs.", actor=staff, reporter=staff
        )
    if kind == "complaint":
        return complaint_create(
            source="personal",
            unit=unit,
            complaint_type=code("complaint_type", "synpunkt"),
            description="Rutinen följs inte.",
            actor=staff,
            reporter=staff,
        ).complaint.case
    return lexsarah_report_create(
        unit=unit,
        actor=staff,
        reporter=staff,
        title="Brukare fick fel läkemedel",
        description="Kvällspersonalen gav fel dos.",
        reporter_type="anstalld",
        notify=False,
    )


def _add_parts(case, chef, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        measure_create(case=case, actor=chef, description=f"Åtgärd {i}", responsible=chef)
        note_add(case=case, text=f"Anteckning {i}", actor=chef)
        attachment_add(
            case=case,
            upload=SimpleUploadedFile(f"bilaga{i}.txt", b"hej", content_type="text/plain"),
            actor=chef,
        )


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("kind", ["deviation", "complaint", "lexsarah"])
def test_the_case_page_of_each_type_takes_at_most_15_queries(org, login, kind):
    chef = org.users["chef_a1"]
    case = _case(org, kind)
    client = login(chef)
    # The first page after signing in stamps the session's activity (three queries more) and
    # the process caches its content types: measured from the second view on.
    client.get(case.get_absolute_url())
    _add_parts(case, chef, 1)
    few = _queries(client, case.get_absolute_url())
    _add_parts(case, chef, 4, start=1)
    many = _queries(client, case.get_absolute_url())
    # Whatever the measures, notes and attachments: the same queries, at most 15.
    assert len(many) == len(few)
    assert len(many) <= CASE_PAGE_MAX_QUERIES, "\n".join(q[:120] for q in many)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Åtgärd 4" in page and "Anteckning 4" in page and "bilaga4.txt" in page


# Every role's start page (the org fixture's people).
ROLES = ["staff_a1", "chef_a1", "chef_a", "investigator", "au", "quality", "admin"]


def _more_cases(org, count: int) -> None:
    """Cases every start page may show: reported by the medarbetare, in the chef's section,
    some lex Sarah (the AU's and the utredare's kind), some assigned, some overdue."""
    from cases.models import Case

    staff, chef = org.users["staff_a1"], org.users["chef_a1"]
    for i in range(count):
        case = _case(org, ("deviation", "complaint", "lexsarah")[i % 3])
        Case.objects.filter(pk=case.pk).update(
            assignee=chef if i % 2 else org.users["investigator"],
            due_at=case.received_at - timedelta(days=1) if i % 2 else None,
            reporter=staff,
        )


@pytest.mark.parametrize("username", ROLES)
def test_the_start_page_takes_the_same_queries_whatever_the_number_of_cases(org, login, username):
    client = login(org.users[username])
    client.get("/")  # stamps the session's activity
    _more_cases(org, 2)
    few = _queries(client, "/")
    _more_cases(org, 6)
    many = _queries(client, "/")
    assert len(many) == len(few), "\n".join(q[:120] for q in many)
