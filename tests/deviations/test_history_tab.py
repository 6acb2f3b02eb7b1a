"""The shared history tab shows the deviation's own changes, categories by name."""

from cases.models import Code, CodeList
from deviations.services import deviation_classify, deviation_receive


def test_history_tab_shows_classification_with_labels(org, login, report):
    chef = org.users["chef_a1"]
    case = report()
    deviation_receive(case=case, actor=chef)
    case.refresh_from_db()
    causes = list(Code.objects.filter(codelist=CodeList.ROOT_CAUSE).order_by("order")[:2])
    deviation_classify(
        case=case,
        expected_version=case.version,
        actor=chef,
        root_causes=causes,
        reason="Orsaker efter samtal med personalen",
    )

    body = login(chef).get(f"/arenden/{case.reference}/historik/").content.decode()

    assert "Kvalitetsavvikelse" in body
    assert "Orsaker" in body
    for cause in causes:
        assert cause.label in body
    assert "Orsaker efter samtal med personalen" in body
    assert "Mottagen" in body
