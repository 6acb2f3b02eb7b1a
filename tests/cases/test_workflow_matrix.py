"""The workflow tables, tested from the tables themselves (cases/actions.py).

For every registered case type (`cases.registry.case_types()`), every status of its workflow
and every role of the `org` fixture plus the case's assignee: the case page offers exactly the
actions whose POST is accepted. Each offered action is posted with the form the page shows
(required fields filled in, as a user would) and must be carried out; every action of the table
that is not offered is posted too and must be refused (403, or 404 for someone who cannot see
the case) without changing anything (status, version, history rows). Generated from the registry: a new type, status or
action is covered without editing this file.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.actions import case_actions
from cases.models import Case, CaseKind
from cases.registry import case_type, case_types
from cases.selectors import cases_visible_to
from cases.services.cases import case_assign
from cases.services.parts import measure_create
from tests.factories import UserFactory, code, member

pytestmark = pytest.mark.django_db

ROLES = [
    "chef_a1",
    "chef_a",
    "chef_b1",
    "staff_a1",
    "investigator",
    "au",
    "quality",
    "admin",
    "assignee",
]


def _create_complaint(org):
    from cases.complaints.services import complaint_create

    staff = org.users["staff_a1"]
    return complaint_create(
        source="personal",
        unit=org.units["A1"],
        complaint_type=code("complaint_type", "synpunkt"),
        description="Rutinen för överlämning följs inte.",
        actor=staff,
        reporter=staff,
    ).complaint.case


# Types without a cross-type create (`CaseType.spawn`) say here how a case of theirs is made.
CREATE = {CaseKind.COMPLAINT: _create_complaint}


def _create(org, kind: str) -> Case:
    if kind in CREATE:
        return CREATE[kind](org)
    spawn = case_type(kind).spawn
    assert spawn is not None, f"say in CREATE how a {kind} case is made"
    staff = org.users["staff_a1"]
    return spawn(
        unit=org.units["A1"],
        title="Matrisens ärende",
        description="Ett ärende för matristestet.",
        actor=staff,
        reporter=staff,
    )


def _matrix():
    return [(ct.kind, status) for ct in case_types() for status in ct.workflow.statuses.values]


@pytest.fixture
def world(org):
    assignee = UserFactory(username="assignee")
    member(assignee, org.units["A1"], "medarbetare")
    org.users["assignee"] = assignee
    return org


def _case_in(org, kind: str, status: str) -> Case:
    """A case of `kind` in `status`, with an assignee and one planned measure. The status is
    set directly (test setup), with the closing stamp a closed status carries."""
    case = _create(org, kind)
    case_assign(case=case, assignee=org.users["assignee"], actor=None, reason="Matris")
    measure_create(case=case, actor=None, description="En planerad åtgärd")
    closed = status in case_type(kind).workflow.closed
    Case.objects.filter(pk=case.pk).update(
        status=status, closed_at=timezone.now() if closed else None
    )
    return Case.objects.get(pk=case.pk)


# --- what changed ----------------------------------------------------------------------------


def _history_sql() -> str:
    tables = [m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical")]
    return "SELECT " + " + ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)


def _fingerprint(case: Case) -> tuple:
    """The case's status and version and every history row in the database."""
    row = Case.objects.filter(pk=case.pk).values_list("status", "version").get()
    with connection.cursor() as cursor:
        cursor.execute(_history_sql())
        (history,) = cursor.fetchone()
    return (*row, history)


# --- reading the forms the page offers --------------------------------------------------------


class _Forms(HTMLParser):
    """The page's forms that carry `data-action`, with their fields as the browser sees them."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, list[list[dict]]] = {}
        self._form: list[dict] | None = None
        self._field: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and "data-action" in a:
            self._form = []
            self.forms.setdefault(a["data-action"], []).append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form.append({"tag": "input", **a})
        elif tag == "textarea":
            self._field = {"tag": "textarea", "text": "", **a}
            self._form.append(self._field)
        elif tag == "select":
            self._field = {"tag": "select", "options": [], **a}
            self._form.append(self._field)
        elif tag == "option" and self._field is not None and self._field["tag"] == "select":
            self._field["options"].append(a)

    def handle_data(self, data):
        if self._field is not None and self._field["tag"] == "textarea":
            self._field["text"] += data

    def handle_endtag(self, tag):
        if tag in ("textarea", "select"):
            self._field = None
        elif tag == "form":
            self._form = None


def _offered_forms(html: str) -> dict[str, list[list[dict]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


# A closed action's disclosure (templates/cases/parts/action.html) loads its form from here.
LAZY_FORM = re.compile(r'class="action-lazy" hx-get="([^"]+)"')


def _page_forms(client, html: str) -> dict[str, list[list[dict]]]:
    """The forms a user can fill in on the page: those shown open, and each closed action's
    form as opening its disclosure loads it (htmx)."""
    forms = _offered_forms(html)
    for url in LAZY_FORM.findall(html):
        fragment = client.get(url, HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200, (url, fragment.status_code)
        for name, found in _offered_forms(fragment.content.decode()).items():
            forms.setdefault(name, []).extend(found)
    return forms


def _filled(fields: list[dict]) -> dict:
    """What a user submits: the values shown, and every required field filled in."""
    data: dict = {}
    radios: dict[str, list[dict]] = {}
    for f in fields:
        name, required = f.get("name"), "required" in f
        if not name or f.get("type") == "submit":
            continue
        kind = f.get("type", "text") if f["tag"] == "input" else f["tag"]
        if kind == "radio":
            radios.setdefault(name, []).append(f)
        elif kind == "checkbox":
            if "checked" in f or required:
                data.setdefault(name, []).append(f.get("value", "on"))
        elif kind == "file":
            data[name] = SimpleUploadedFile("matris.txt", b"Matristest", "text/plain")
        elif kind == "select":
            chosen = [o.get("value", "") for o in f["options"] if "selected" in o]
            if not chosen and "multiple" not in f and f["options"]:
                chosen = [f["options"][0].get("value", "")]  # what a browser submits
            if not any(chosen) and required:
                chosen = [next(o["value"] for o in f["options"] if o.get("value"))]
            data[name] = chosen if "multiple" in f else (chosen[0] if chosen else "")
        else:
            value = f.get("value", "") if kind != "textarea" else f["text"].strip("\n")
            if not value and required:
                value = {
                    "date": timezone.localdate().isoformat(),
                    "email": "matris@example.se",
                    "number": "1",
                    "datetime-local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                }.get(kind, "Matristest")
            data[name] = value
    for name, group in radios.items():
        checked = [r for r in group if "checked" in r]
        if checked or any("required" in r for r in group):
            data[name] = (checked or group)[0]["value"]
    return data


def _errors(response) -> str:
    """The error summaries of a page that came back (for the assertion message)."""
    html = response.content.decode()
    return " | ".join(part.split("</div>")[0] for part in html.split('class="error-summary"')[1:])


def _url(action, case: Case) -> str:
    try:
        return reverse(action.url_name, args=[case.reference])
    except NoReverseMatch:  # an action on one part of the case (a measure's status)
        return reverse(action.url_name, args=[case.reference, case.measures.first().pk])


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,status", _matrix())
def test_the_page_offers_exactly_what_the_services_accept(world, client, kind, status):
    case = _case_in(world, kind, status)
    table = case_actions(case_type(kind))
    assert table, f"{kind} has no actions"
    for role in ROLES:
        user = world.users[role]
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(case.get_absolute_url())
        visible = cases_visible_to(user).filter(pk=case.pk).exists()
        if not visible:
            # Invisible: 404, or the reporter's status-only page, never an action.
            assert page.status_code == (200 if case.reporter_id == user.pk else 404), role
        assert page.status_code == 200 or not visible, role
        html = page.content.decode() if page.status_code == 200 else ""
        forms = _page_forms(client, html)
        offered = set(forms)
        assert offered <= {a.name for a in table}, (role, offered)
        for action in table:
            where = f"{kind}/{status}/{role}/{action.name}"
            before = _fingerprint(case)
            if action.name in offered:
                (fields,) = forms[action.name]  # one form per action (one measure here)
                # Accepted: the service ran and returned (the kit redirects only then). Rolled
                # back, so the next action starts from the same case.
                savepoint = transaction.savepoint()
                response = client.post(_url(action, case), _filled(fields))
                transaction.savepoint_rollback(savepoint)
                assert response.status_code == 302, (where, _errors(response))
                assert _fingerprint(case) == before
            else:
                response = client.post(_url(action, case), {})
                expected = (403,) if visible else (404,)
                assert response.status_code in expected, (where, response.status_code)
                assert _fingerprint(case) == before, f"{where}: refused but something changed"
                # Nor does its form load: not allowed (403), not possible now (409, with the
                # reason), invisible (404). A measure's status has no form of its own (404).
                form = client.get(reverse("cases:action_form", args=[case.reference, action.name]))
                if action.name == "measure_status" or not visible:
                    expected = (404,)
                else:
                    expected = (403, 409)
                assert form.status_code in expected, (where, "form", form.status_code)


# --- the inbox's bulk actions accept exactly what the single action accepts -------------------


def _bulk_matrix():
    return [
        (ct.kind, status, step)
        for ct in case_types()
        for step in ("receive", "assign")
        if getattr(ct, f"bulk_{step}") and any(a.name == step for a in ct.actions)
        for status in ct.workflow.statuses.values
    ]


# Types whose assignee must hold a role say here whom the inbox assigns (default: a chef).
BULK_ASSIGNEE = {CaseKind.LEXSARAH: "investigator"}


@pytest.mark.parametrize("kind,status,step", _bulk_matrix())
def test_bulk_accepts_what_the_single_action_accepts(world, kind, status, step):
    from cases.actions import case_actions_offered
    from cases.services.bulk import cases_bulk_assign, cases_bulk_receive

    case = _case_in(world, kind, status)
    for role in ROLES:
        user = world.users[role]
        offered = step in {a.name for a in case_actions_offered(case, user)}
        before = _fingerprint(case)
        savepoint = transaction.savepoint()
        if step == "receive":
            result = cases_bulk_receive(case_ids=[case.pk], actor=user)
        else:
            result = cases_bulk_assign(
                case_ids=[case.pk],
                assignee=world.users[BULK_ASSIGNEE.get(kind, "chef_a1")],
                actor=user,
            )
        transaction.savepoint_rollback(savepoint)
        assert (result.done == [case.reference]) == offered, (kind, status, step, role, result)
        assert _fingerprint(case) == before


def _bulk_assign_kinds():
    return [
        ct.kind
        for ct in case_types()
        if ct.bulk_assign and any(a.name == "assign" for a in ct.actions)
    ]


def _single_assign_accepts(client, case: Case, actor, assignee) -> bool:
    """The case page's assign form, posted with `assignee` chosen (as a crafted POST would)."""
    client.force_login(actor, backend="django.contrib.auth.backends.ModelBackend")
    forms = _page_forms(client, client.get(case.get_absolute_url()).content.decode())
    (fields,) = forms["assign"]
    data = _filled(fields)
    (name,) = [f["name"] for f in fields if f["tag"] == "select" and f["name"].endswith("assignee")]
    data[name] = str(assignee.pk)
    action = case_type(case.kind).action("assign")
    savepoint = transaction.savepoint()
    response = client.post(_url(action, case), data)
    transaction.savepoint_rollback(savepoint)
    return response.status_code == 302


@pytest.mark.parametrize("kind", _bulk_assign_kinds())
def test_bulk_assign_accepts_exactly_the_single_actions_assignees(world, client, kind):
    """Found 1 of issue 15: the inbox handed an own-unit case to the chef of another unit, whom
    the case page's assign form refuses. For every actor offered "assign" and every person in
    the organisation, the bulk service accepts the assignee iff the single action does."""
    from cases.actions import case_actions_offered
    from cases.services.bulk import cases_bulk_assign

    ct = case_type(kind)
    status = next(s for s in ct.workflow.statuses.values if s not in ct.workflow.closed)
    case = _case_in(world, kind, status)
    actors = [
        world.users[r]
        for r in ROLES
        if "assign" in {a.name for a in case_actions_offered(case, world.users[r])}
    ]
    assert actors, f"nobody may assign a {kind} case in {status}"
    for actor in actors:
        single, bulk = set(), set()
        for name, person in world.users.items():
            if _single_assign_accepts(client, case, actor, person):
                single.add(name)
            savepoint = transaction.savepoint()
            result = cases_bulk_assign(case_ids=[case.pk], assignee=person, actor=actor)
            transaction.savepoint_rollback(savepoint)
            if result.done == [case.reference]:
                bulk.add(name)
        assert single, (kind, actor.username)
        assert bulk == single, (kind, actor.username, sorted(bulk ^ single))
        assert "chef_b1" not in bulk and "admin" not in bulk, (kind, sorted(bulk))


def test_inbox_bulk_assign_offers_and_accepts_no_chef_of_another_unit(world, client):
    """Found 1 through the inbox itself: chef_a1's "Tilldela till" does not list chef_b1 or the
    administratör, and a crafted POST naming chef_b1 leaves the case unassigned and unreadable
    for chef_b1."""
    case = _create_complaint(world)
    chef, other = world.users["chef_a1"], world.users["chef_b1"]
    client.force_login(chef, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("inbox:list")).content.decode()
    offered = html.split('name="assignee"')[-1].split("</select>")[0]
    assert f'value="{other.pk}"' not in offered
    assert f'value="{world.users["admin"].pk}"' not in offered
    assert f'value="{world.users["chef_a"].pk}"' in offered
    client.post(
        reverse("inbox:bulk"),
        {"action": "assign", "cases": [case.pk], "assignee": other.pk},
    )
    case.refresh_from_db()
    assert case.assignee_id is None
    assert not cases_visible_to(other).filter(pk=case.pk).exists()


def test_measure_responsible_is_limited_to_people_who_may_handle_the_case(world, client):
    """Found 7 (last point): the core measure form's "Ansvarig" offered every account, the
    administratör and other units' chefs included; the service now refuses them too."""
    from cases.services.errors import ServiceError

    kinds = [
        ct.kind
        for ct in case_types()
        if any(a.name == "measure" and a.url_name == "cases:measure_add" for a in case_actions(ct))
    ]
    assert kinds, "no type uses the core measure form"
    case = _case_in(
        world,
        kinds[0],
        next(
            s
            for s in case_type(kinds[0]).workflow.statuses.values
            if s not in case_type(kinds[0]).workflow.closed
        ),
    )
    client.force_login(world.users["chef_a1"], backend="django.contrib.auth.backends.ModelBackend")
    forms = _page_forms(client, client.get(case.get_absolute_url()).content.decode())
    (fields,) = forms["measure"]
    (select,) = [f for f in fields if f.get("name") == "responsible"]
    offered = {o.get("value") for o in select["options"] if o.get("value")}
    assert str(world.users["admin"].pk) not in offered
    assert str(world.users["chef_b1"].pk) not in offered
    assert str(world.users["chef_a1"].pk) in offered
    for outsider in ("admin", "chef_b1"):
        with pytest.raises(ServiceError):
            measure_create(
                case=case,
                actor=world.users["chef_a1"],
                description="x",
                responsible=world.users[outsider],
            )
