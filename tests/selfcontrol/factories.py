from cases.models import Code, CodeList
from selfcontrol.services import plan_create


def method(code: str) -> Code:
    return Code.objects.get(codelist=CodeList.SELFCONTROL_METHOD, code=code)


def make_plan(
    actor,
    unit,
    *,
    area="Aktgranskning av familjerättsliga ärenden",
    method_code="aktgranskning",
    frequency="yearly",
    year=None,
    **kwargs,
):
    return plan_create(
        actor=actor,
        area=area,
        what_checked=kwargs.pop("what_checked", "Dokumentation"),
        method=method(method_code),
        responsible_unit=unit,
        frequency=frequency,
        schedule_year=year,
        **kwargs,
    )
