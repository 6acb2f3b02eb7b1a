"""All four case types through one file: every type row lands with its own data (complaint
source/type/topics, deviation categories, lex Sarah assessment and IVO), all or nothing,
idempotent, and a dry run writes nothing at all."""

import pytest
from django.apps import apps
from django.utils import timezone

from cases.complaints.models import Complaint
from cases.complaints.services import complaint_create
from cases.deadlines import deadline_state, due_for
from cases.imports import ImportError_, import_cases_file
from cases.models import Case, Code, Measure, ReferenceCounter
from deviations.models import Deviation
from lexsarah.models import IvoNotification, LexSarahReport
from tests.factories import code

from .conftest import case_file

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "typ": "klagomal_utomstaende",
        "extern_referens": "TS-101",
        "enhet": "A1",
        "inkom": "2024-12-31",
        "avslutad": "2025-01-10",
        "rubrik": "Bemötande i telefon",
        "beskrivning": "Vårdnadshavare upplevde otrevligt bemötande.",
        "kategori": "bemotande",
        "amnen": "bemotande|information",
        "atgarder": "information",
        "avvikelse_konstaterad": "ja",
        "klagomalstyp": "synpunkt",
    },
    {
        "typ": "klagomal_personal",
        "extern_referens": "TS-102",
        "enhet": "B1",
        "inkom": "2025-03-01",
        "rubrik": "Överlämning",
        "amnen": "handlaggning",
        "avvikelse_konstaterad": "nej",
    },
    {
        "typ": "avvikelse",
        "extern_referens": "TS-201",
        "enhet": "A2",
        "inkom": "2023-05-09",
        "handelse": "2023-05-06",
        "avslutad": "2023-08-30",
        "kategori": "handlaggning",
        "brister": "processer-rutiner|dokumentation",
        "orsaker": "rutin-ej-foljd|kunskap",
        "atgarder": "processer|kompetens",
    },
    {
        "typ": "lex_sarah",
        "extern_referens": "TS-301",
        "enhet": "A1",
        "inkom": "2025-02-14",
        "handelse": "2025-02-13",
        "avslutad": "2025-09-01",
        "bedomning": "allvarligt",
        "au_datum": "2025-04-20",
        "ivo_anmald": "2025-04-24",
        "ivo_beslut_datum": "2025-08-30",
        "ivo_beslut": "kritik",
    },
    {
        "typ": "lex_sarah",
        "extern_referens": "TS-302",
        "enhet": "B1",
        "inkom": "2025-06-02",
        "bedomning": "risk",
        "au_datum": "2025-07-01",
    },
]


def _import(rows=ROWS, **kwargs):
    kwargs.setdefault("user", None)
    return import_cases_file(case_file(rows), "treserva.csv", **kwargs)


def _local_date(value):
    return timezone.localtime(value).date().isoformat() if value else None


def test_every_type_lands_with_its_own_data(org):
    quality = org.users["quality"]
    result = _import(user=quality)
    assert result.created == 5 and result.skipped == 0
    assert result.by_type == {
        "klagomal_utomstaende": 1,
        "klagomal_personal": 1,
        "avvikelse": 1,
        "lex_sarah": 2,
    }
    assert result.codes_created == ["complaint_type:okand"]
    assert Case.objects.count() == 5
    cases = {c.external_reference: c for c in Case.objects.select_related("unit")}
    expected = {
        # ref: (kind, unit, reference, received, closed, status)
        "TS-101": ("complaint", "A1", "KS-2024-0001", "2024-12-31", "2025-01-10", "avslutad"),
        "TS-102": ("complaint", "B1", "KS-2025-0001", "2025-03-01", None, "inkommen"),
        "TS-201": ("deviation", "A2", "AV-2023-0001", "2023-05-09", "2023-08-30", "avslutad"),
        "TS-301": ("lexsarah", "A1", "LS-2025-0001", "2025-02-14", "2025-09-01", "avslutad"),
        "TS-302": ("lexsarah", "B1", "LS-2025-0002", "2025-06-02", None, None),
    }
    for ref, (kind, unit, reference, received, closed, status) in expected.items():
        case = cases[ref]
        assert (case.kind, case.unit.code, case.reference) == (kind, unit, reference), ref
        assert (_local_date(case.received_at), _local_date(case.closed_at)) == (received, closed), (
            ref
        )
        if status:
            assert case.status == status, ref
        assert case.imported_from == "treserva.csv"
        assert case.history.get().history_user == quality

    # Klagomål från utomstående: source, given type, topics, finding, measure; no contact data.
    ext = Complaint.objects.get(case=cases["TS-101"])
    assert ext.source == "utomstaende" and ext.complaint_type.code == "synpunkt"
    assert sorted(t.code for t in ext.topics.all()) == ["bemotande", "information"]
    assert ext.deviation_found is True
    assert ext.channel is None and ext.sender_category is None
    assert ext.sender_name == ext.sender_email == ext.receipt_code_hash == ""
    assert cases["TS-101"].event_category.code == "bemotande"
    assert [m.measure_type.code for m in Measure.objects.filter(case=cases["TS-101"])] == [
        "information"
    ]
    history = ext.history.get()
    assert history.history_change_reason == "Import från treserva.csv"
    assert history.history_user == quality
    topic_history = apps.get_model("cases", "HistoricalComplaint_topics")
    assert sorted(
        topic_history.objects.filter(history=history).values_list("code__code", flat=True)
    ) == ["bemotande", "information"]

    # Klagomål från personal without `klagomalstyp`: the inactive "okänd" type, not a guess.
    staff = Complaint.objects.get(case=cases["TS-102"])
    assert staff.source == "personal" and staff.deviation_found is False
    assert staff.complaint_type.code == "okand" and staff.complaint_type.active is False
    assert staff.complaint_type.label == "Okänd typ (importerad)"
    assert [t.code for t in staff.topics.all()] == ["handlaggning"]

    # Kvalitetsavvikelse: occurred date, category, deficiencies, causes, measures (done).
    dev_case = cases["TS-201"]
    assert str(dev_case.occurred_on) == "2023-05-06"
    assert dev_case.event_category.code == "handlaggning"
    dev = Deviation.objects.get(case=dev_case)
    assert sorted(c.code for c in dev.deficiencies.all()) == ["dokumentation", "processer-rutiner"]
    assert sorted(c.code for c in dev.root_causes.all()) == ["kunskap", "rutin-ej-foljd"]
    measures = Measure.objects.filter(case=dev_case)
    assert sorted(measures.values_list("measure_type__code", flat=True)) == [
        "kompetens",
        "processer",
    ]
    assert {(m.status, str(m.completed_on)) for m in measures} == {
        (Measure.Status.DONE, "2023-08-30")
    }

    # Lex Sarah: assessment, AU date, IVO notification, decision and outcome.
    report = LexSarahReport.objects.get(case=cases["TS-301"])
    assert report.assessment == "allvarligt" and str(report.au_date) == "2025-04-20"
    ivo = IvoNotification.objects.get(report=report)
    assert (str(ivo.sent_on), str(ivo.decision_date), ivo.decision_outcome) == (
        "2025-04-24",
        "2025-08-30",
        "kritik",
    )
    second = LexSarahReport.objects.get(case=cases["TS-302"])
    assert second.assessment == "risk" and str(second.au_date) == "2025-07-01"
    assert not IvoNotification.objects.filter(report=second).exists()


def test_sender_channel_reply_and_consequence_reach_the_case_page(org, login):
    rows = [
        {
            "typ": "klagomal_utomstaende",
            "extern_referens": "R-1",
            "enhet": "A1",
            "inkom": "2024-03-01",
            "avslutad": "2024-03-20",
            "klagomalstyp": "klagomal",
            "avsandare": "narstaende",
            "kanal": "brev",
            "aterkoppling_datum": "2024-03-15",
            "aterkoppling": "Tack för ditt brev. Vi har gått igenom rutinen med personalen.",
        },
        {
            "typ": "avvikelse",
            "extern_referens": "R-2",
            "enhet": "A1",
            "inkom": "2024-04-02",
            "avslutad": "2024-05-02",
            "brister": "dokumentation",
            "konsekvens": "fordrojning",
        },
    ]
    _import(rows, user=org.users["quality"])
    complaint = Complaint.objects.get(case__external_reference="R-1")
    assert (complaint.sender_category.code, complaint.channel.code) == ("narstaende", "brev")
    assert str(complaint.replied_on) == "2024-03-15"
    assert complaint.history.get().reply_text == complaint.reply_text
    deviation = Deviation.objects.get(case__external_reference="R-2")
    assert deviation.consequence.code == "fordrojning"
    assert deviation.history.get().consequence_id == deviation.consequence_id
    client = login(org.users["quality"])
    page = client.get(f"/arenden/{complaint.case.reference}/").content.decode()
    assert "Närstående" in page and "Brev" in page and "Vi har gått igenom rutinen" in page
    assert "2024-03-15" in page
    page = client.get(f"/arenden/{deviation.case.reference}/").content.decode()
    assert "Fördröjd insats eller beslut" in page


def test_reply_dates_and_the_new_columns_are_checked(org):
    rows = [
        {
            "typ": "klagomal_utomstaende",
            "extern_referens": "V-1",
            "enhet": "A1",
            "inkom": "2024-03-01",
            "avslutad": "2024-03-20",
            "aterkoppling": "Svar utan datum",
        },
        {
            "typ": "klagomal_utomstaende",
            "extern_referens": "V-2",
            "enhet": "A1",
            "inkom": "2024-03-01",
            "avslutad": "2024-03-20",
            "aterkoppling_datum": "2024-02-28",
        },
        {
            "typ": "klagomal_personal",
            "extern_referens": "V-3",
            "enhet": "A1",
            "inkom": "2024-03-01",
            "avslutad": "2024-03-20",
            "aterkoppling_datum": "2024-03-21",
            "kanal": "brevduva",
            "avsandare": "brukare|narstaende",
        },
        {
            "typ": "avvikelse",
            "extern_referens": "V-4",
            "enhet": "A1",
            "inkom": "2024-03-01",
            "avsandare": "brukare",
            "aterkoppling": "x",
            "aterkoppling_datum": "2024-03-02",
        },
        {
            "typ": "klagomal_personal",
            "extern_referens": "V-5",
            "enhet": "A1",
            "inkom": "2024-03-01",
            "konsekvens": "ingen",
        },
    ]
    with pytest.raises(ImportError_) as exc:
        _import(rows)
    assert [str(e) for e in exc.value.errors] == [
        "Rad 2, kolumn aterkoppling_datum: saknas när återkoppling är ifylld",
        "Rad 3, kolumn aterkoppling_datum: ligger före inkom",
        "Rad 4, kolumn aterkoppling_datum: ligger efter avslutad",
        "Rad 4, kolumn avsandare: bara ett värde är tillåtet",
        "Rad 4, kolumn kanal: okänd kod ”brevduva”",
        "Rad 5, kolumn avsandare: gäller bara klagomål",
        "Rad 5, kolumn aterkoppling: gäller bara klagomål",
        "Rad 5, kolumn aterkoppling_datum: gäller bara klagomål",
        "Rad 6, kolumn konsekvens: gäller bara avvikelser",
    ]
    assert not Case.objects.exists()


def test_open_imported_cases_get_the_deadline_of_their_first_step(org):
    rows = [
        {"typ": "avvikelse", "extern_referens": "O-1", "enhet": "A1", "inkom": "2026-11-02"},
        {
            "typ": "klagomal_utomstaende",
            "extern_referens": "O-2",
            "enhet": "A1",
            "inkom": "2026-11-02",
        },
        {"typ": "lex_sarah", "extern_referens": "O-3", "enhet": "A1", "inkom": "2026-11-02"},
        {
            "typ": "avvikelse",
            "extern_referens": "O-4",
            "enhet": "A1",
            "inkom": "2026-10-01",
            "avslutad": "2026-10-20",
        },
    ]
    _import(rows)
    cases = {c.external_reference: c for c in Case.objects.all()}
    for ref, step in (("O-1", "receive"), ("O-2", "acknowledge"), ("O-3", "immediate_measures")):
        case = cases[ref]
        assert case.due_step == step, ref
        assert case.due_at == due_for(case.kind, step, case.received_at), ref
        # Received two weeks ago and never handled: overdue in the inbox, as it would be.
        assert deadline_state(case.due_at) == "overdue", ref
    assert (cases["O-4"].due_step, cases["O-4"].due_at) == ("", None)


def test_imported_numbers_follow_live_cases_of_the_same_year(org):
    live = complaint_create(
        source="utomstaende",
        unit=org.units["A1"],
        complaint_type=code("complaint_type", "klagomal"),
        description="Inkom i e-tjänsten.",
        actor=org.users["staff_a1"],
    )
    assert live.complaint.case.reference.startswith(f"KS-{timezone.localdate().year}-")
    _import(
        [
            {
                "typ": "klagomal_utomstaende",
                "extern_referens": "N-1",
                "enhet": "A1",
                "inkom": f"{timezone.localdate().year}-01-02",
            }
        ]
    )
    imported = Case.objects.get(external_reference="N-1")
    assert imported.reference == f"KS-{timezone.localdate().year}-0002"


def test_reimport_is_idempotent_for_type_rows(org):
    _import()
    counts = (
        Case.objects.count(),
        Complaint.objects.count(),
        Deviation.objects.count(),
        LexSarahReport.objects.count(),
        IvoNotification.objects.count(),
        Measure.objects.count(),
        Complaint.topics.through.objects.count(),
        Code.objects.count(),
    )
    again = _import()
    assert (again.created, again.skipped, again.codes_created) == (0, 5, [])
    assert counts == (
        Case.objects.count(),
        Complaint.objects.count(),
        Deviation.objects.count(),
        LexSarahReport.objects.count(),
        IvoNotification.objects.count(),
        Measure.objects.count(),
        Complaint.topics.through.objects.count(),
        Code.objects.count(),
    )
    # A later export of the old system with one more row adds only that row.
    more = _import(
        ROWS
        + [
            {
                "typ": "klagomal_personal",
                "extern_referens": "TS-103",
                "enhet": "A1",
                "inkom": "2025-04-01",
            }
        ]
    )
    assert (more.created, more.skipped) == (1, 5)
    assert Complaint.objects.get(case__external_reference="TS-103").source == "personal"


def test_dry_run_writes_nothing_not_even_codes_or_numbers(org):
    codes_before = Code.objects.count()
    result = _import(dry_run=True)
    assert result.dry_run and result.created == 5
    assert result.codes_created == ["complaint_type:okand"]
    assert Case.objects.count() == Complaint.objects.count() == 0
    assert (
        Deviation.objects.count() == LexSarahReport.objects.count() == Measure.objects.count() == 0
    )
    assert Code.objects.count() == codes_before
    assert not ReferenceCounter.objects.exists()


def test_type_columns_on_the_wrong_type_are_errors(org):
    rows = [
        {
            "typ": "avvikelse",
            "extern_referens": "W-1",
            "enhet": "A1",
            "inkom": "2025-01-01",
            "amnen": "bemotande",
            "klagomalstyp": "klagomal",
        },
        {
            "typ": "klagomal_utomstaende",
            "extern_referens": "W-2",
            "enhet": "A1",
            "inkom": "2025-01-01",
            "brister": "dokumentation",
            "orsaker": "kunskap",
        },
        {
            "typ": "klagomal_personal",
            "extern_referens": "W-3",
            "enhet": "A1",
            "inkom": "2025-01-01",
            "klagomalstyp": "finns-inte",
            "avvikelse_konstaterad": "kanske",
        },
    ]
    with pytest.raises(ImportError_) as exc:
        _import(rows)
    assert [str(e) for e in exc.value.errors] == [
        "Rad 2, kolumn amnen: gäller bara klagomål",
        "Rad 2, kolumn klagomalstyp: gäller bara klagomål",
        "Rad 3, kolumn brister: gäller bara avvikelser",
        "Rad 3, kolumn orsaker: gäller bara avvikelser",
        "Rad 4, kolumn klagomalstyp: okänd kod ”finns-inte”",
        "Rad 4, kolumn avvikelse_konstaterad: ange ja eller nej",
    ]
    assert not Case.objects.exists() and not Code.objects.filter(code="okand").exists()


def test_one_bad_topic_among_3000_mixed_rows_writes_nothing(org):
    kinds = ["klagomal_utomstaende", "klagomal_personal", "avvikelse", "lex_sarah"]
    rows = []
    for i in range(3000):
        row = {
            "typ": kinds[i % 4],
            "extern_referens": f"MIX-{i}",
            "enhet": "A1",
            "inkom": f"{2023 + i % 3}-0{1 + i % 9}-15",
        }
        if i % 4 < 2:
            row["amnen"] = "ej-en-kod" if i == 2401 else "bemotande"
        rows.append(row)
    with pytest.raises(ImportError_) as exc:
        _import(rows)
    # Header is row 1, so the 2402nd data row is row 2403.
    assert [str(e) for e in exc.value.errors] == ["Rad 2403, kolumn amnen: okänd kod ”ej-en-kod”"]
    assert not Case.objects.exists() and not Complaint.objects.exists()
    assert not ReferenceCounter.objects.exists() and not Code.objects.filter(code="okand").exists()


def test_example_file_complaints_get_their_complaint_rows(org):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "docs" / "import-examples"
    result = import_cases_file(
        (examples / "arenden.csv").read_bytes(),
        "arenden.csv",
        user=None,
        units_data=(examples / "enheter.csv").read_bytes(),
        units_filename="enheter.csv",
    )
    assert result.codes_created == []  # every complaint row names its type
    ext = Complaint.objects.get(case__external_reference="LC-2021-001")
    assert (ext.source, ext.complaint_type.code, ext.deviation_found) == (
        "utomstaende",
        "klagomal",
        True,
    )
    assert sorted(t.code for t in ext.topics.all()) == ["bemotande", "information"]
    staff = Complaint.objects.get(case__external_reference="LC-2021-002")
    assert (staff.source, staff.complaint_type.code, staff.deviation_found) == (
        "personal",
        "synpunkt",
        None,
    )


def test_imported_cases_open_on_the_case_and_history_pages(org, login):
    _import(user=org.users["quality"])
    client = login(org.users["quality"])
    for case in Case.objects.all():
        for url in (f"/arenden/{case.reference}/", f"/arenden/{case.reference}/historik/"):
            assert client.get(url).status_code == 200, url
    html = client.get(f"/arenden/{Case.objects.get(external_reference='TS-102').reference}/")
    assert "Okänd typ (importerad)" in html.content.decode()
