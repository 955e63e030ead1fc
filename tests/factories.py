"""factory_boy factories for the core models. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import datetime as dt

import factory

from pastoral.models import Contact, Learner, Membership, RegGroup, Role, School, User, YearGroup
from pastoral.upn import make_upn

TEST_PASSWORD = "correct-horse-battery-staple"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Test School {n}")
    urn = factory.Sequence(lambda n: f"{200000 + n}")
    la_code = "330"


class YearGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearGroup
        django_get_or_create = ("school", "number")

    school = factory.SubFactory(SchoolFactory)
    number = 9
    name = factory.LazyAttribute(lambda o: f"Year {o.number}")


class RegGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegGroup

    year_group = factory.SubFactory(YearGroupFactory)
    school = factory.LazyAttribute(lambda o: o.year_group.school)
    name = factory.Sequence(lambda n: f"R{n}")


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    year_group = factory.SubFactory(YearGroupFactory)
    school = factory.LazyAttribute(lambda o: o.year_group.school)
    upn = factory.Sequence(lambda n: make_upn(330, 4000 + n // 1000, 15, n % 1000))
    legal_first_name = factory.Sequence(lambda n: f"First{n}")
    legal_last_name = factory.Sequence(lambda n: f"Last{n}")
    date_of_birth = dt.date(2012, 3, 4)
    gender = "F"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    learner = factory.SubFactory(LearnerFactory)
    name = "Pat Parent"
    relationship = Contact.Relationship.MOTHER
    parental_responsibility = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.test")
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def member(user: User, school: School, *roles: str, years: list[YearGroup] | None = None) -> User:
    """Give the user the roles in the school (every member is staff too)."""
    Membership.objects.get_or_create(user=user, school=school, role=Role.STAFF)
    for role in roles:
        membership, _ = Membership.objects.get_or_create(user=user, school=school, role=role)
        if role == Role.HEAD_OF_YEAR and years:
            membership.year_groups.set(years)
    return user
