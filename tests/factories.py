"""factory_boy factories shared by all tests. Apps add their own in tests/<app>/factories.py."""

import factory
from django.contrib.auth import get_user_model

from cases.models import Code, CodeList, Membership, Role, Unit, UnitKind
from cases.services.cases import case_create
from cases.services.org import membership_create, unit_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    password = factory.PostGenerationMethodCall("set_password", "Testlosenord-123")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def make_unit(
    code: str, name: str | None = None, parent: Unit | None = None, kind_code: str = "sektion"
) -> Unit:
    return unit_create(code=code, name=name or code, kind=kind(kind_code), parent=parent)


def member(user, unit: Unit, role: str) -> Membership:
    return membership_create(user=user, unit=unit, role=role)


def code(codelist: str, code_: str) -> Code:
    return Code.objects.get(codelist=codelist, code=code_)


def make_case(unit: Unit, kind_: str = "complaint", actor=None, **kwargs):
    actor = actor or UserFactory()
    kwargs.setdefault("title", "Testärende")
    return case_create(kind=kind_, unit=unit, actor=actor, **kwargs)


__all__ = ["CodeList", "Role", "UserFactory", "code", "make_case", "make_unit", "member"]
