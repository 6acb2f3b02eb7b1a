"""Helpers for risk analysis tests: everything is built through the services."""

from datetime import date

from cases.models import Code, CodeList
from riskanalysis.models import RiskTemplate
from riskanalysis.services import analysis_create, risk_add


def trigger(code: str = "forandring") -> Code:
    return Code.objects.get(codelist=CodeList.RISK_TRIGGER, code=code)


def make_analysis(actor, units, *, title="Digital post", risks=(), **kwargs):
    kwargs.setdefault("analysed_on", date(2025, 3, 10))
    kwargs.setdefault("trigger", trigger())
    analysis = analysis_create(actor=actor, title=title, units=units, **kwargs)
    for description, p, c in risks:
        risk_add(
            analysis=analysis, description=description, probability=p, consequence=c, actor=actor
        )
    return analysis


def default_template() -> RiskTemplate:
    return RiskTemplate.objects.get(name__startswith="Riskanalys inför förändring")
