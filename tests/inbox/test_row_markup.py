"""The inbox's and the "Att fördela" queue's rows, written in Python (cases/templatetags/
case_rows.py): what each cell shows, its label for the phone layout, and escaping."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from cases.complaints.services import complaint_submit_public
from cases.models import Role
from cases.services.cases import case_assign
from tests.factories import UserFactory, make_case, member

URL = "/inkorg/"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HOSTILE = '<img src=x onerror="alert(1)"> & Co'
SHOWN = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co"


def _row(html: str, marker: str, reference: str) -> str:
    rows = re.findall(rf"<tr {marker}[^>]*>.*?</tr>", html, flags=re.S)
    found = [row for row in rows if reference in row]
    assert len(found) == 1, (reference, rows)
    return found[0]


def test_an_inbox_row_shows_every_cell_with_its_label_and_escapes_the_title(org, login):
    chef = org.users["chef_a1"]
    mine = make_case(org.units["A1"], "deviation", title=HOSTILE)
    case_assign(case=mine, assignee=chef, actor=chef)
    html = login(chef).get(URL).content.decode()
    row = _row(html, "data-case-row", mine.reference)
    assert "<img" not in row and SHOWN in row
    assert f'<input type="checkbox" name="cases" value="{mine.pk}" id="sel-{mine.pk}">' in row
    assert (
        f'<label for="sel-{mine.pk}" class="visually-hidden">Markera {mine.reference}</label>'
        in row
    )
    assert f'<a class="reference" href="/arenden/{mine.reference}/" data-open>' in row
    cells = re.findall(r'<td data-label="([^"]+)">', row)
    assert cells == [
        "Typ", "Diarienummer", "Rubrik", "Enhet", "Ålder", "Tidsfrist", "Handläggare", "Status",
    ]  # fmt: skip
    assert '<td data-label="Typ">Kvalitetsavvikelse</td>' in row
    assert '<td data-label="Enhet">Sektion A1</td>' in row
    assert f'<td data-label="Handläggare">{chef.get_full_name() or chef.username}</td>' in row


def test_a_protected_row_is_badged_and_an_unassigned_one_says_so(org, login):
    quality = org.users["quality"]
    hidden = make_case(org.units["A1"], title="Skyddat ärende", skyddad=True)
    case_assign(case=hidden, assignee=quality, actor=org.users["chef_a1"])
    plain = make_case(org.units["A2"], title="Vanligt ärende")
    html = login(quality).get(URL).content.decode()
    assert '<span class="badge badge-protected">Skyddad</span>' in _row(
        html, "data-case-row", hidden.reference
    )
    plain_row = _row(html, "data-case-row", plain.reference)
    assert '<span class="meta">Ej tilldelad</span>' in plain_row
    assert "badge-protected" not in plain_row


def test_a_queue_row_shows_local_times_overdue_marking_and_escapes_the_title(org, login, clock):
    registrator = UserFactory(username="registrator")
    member(registrator, org.units["ASF"], Role.REGISTRATOR)
    # Thursday 12 November 2026, 09:05 in Stockholm (08:05 UTC): due by the end of Friday.
    clock.move_to(datetime(2026, 11, 12, 9, 5, tzinfo=STOCKHOLM))
    late = complaint_submit_public(
        unit=org.units["A"],
        complaint_type="klagomal",
        description=HOSTILE,
        sender_email="boende@example.se",
    ).complaint.case
    late.title = HOSTILE
    late.save(update_fields=["title"])
    clock.move_to(datetime(2026, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    html = login(registrator).get(URL).content.decode()
    row = _row(html, "data-routing-row", late.reference)
    assert row.startswith('<tr data-routing-row class="row-overdue">')
    assert "<img" not in row and f'<td data-label="Rubrik">{SHOWN}</td>' in row
    assert '<td data-label="Inkom till">Avdelning A</td>' in row
    assert '<td data-label="Inkom">2026-11-12 09:05</td>' in row
    assert (
        '<td data-label="Fördelas senast"><span class="badge badge-overdue">Försenad</span> '
        "2026-11-13</td>"
    ) in row
    assert f'href="/arenden/{late.reference}/"' in row
