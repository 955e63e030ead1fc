"""The learner list's filters (django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner, RegGroup, YearGroup

FLAG_CHOICES = [
    ("pp", "Pupil premium"),
    ("eal", "EAL"),
    ("cla", "Looked after"),
    ("cin", "Child in need"),
    ("cp", "Child protection plan"),
]


class LearnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or UPN", method="filter_q")
    year_group = django_filters.ModelChoiceFilter(
        queryset=YearGroup.objects.none(), label="Year", empty_label="Any year"
    )
    reg_group = django_filters.ModelChoiceFilter(
        queryset=RegGroup.objects.none(), label="Reg group", empty_label="Any group"
    )
    sen_status = django_filters.ChoiceFilter(
        choices=Learner.SEN.choices, label="SEN", method="filter_case", empty_label="Any"
    )
    flag = django_filters.ChoiceFilter(
        choices=FLAG_CHOICES, label="Flag", method="filter_flag", empty_label="Any"
    )

    class Meta:
        model = Learner
        fields = ["q", "year_group", "reg_group", "sen_status", "flag"]

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.filters["year_group"].queryset = YearGroup.objects.filter(school=scope.school)
        self.filters["reg_group"].queryset = RegGroup.objects.filter(school=scope.school)
        if not scope.can(Cap.VIEW_PROFILE):
            # Directory-only staff may not filter by case fields: the filter
            # itself would reveal them.
            del self.filters["sen_status"]
            del self.filters["flag"]

    def _case_only(self, qs: QuerySet[Learner]) -> QuerySet[Learner]:
        return qs.filter(learner_filter(self.scope, Cap.VIEW_PROFILE))

    def filter_q(self, qs: QuerySet[Learner], name: str, value: str) -> QuerySet[Learner]:
        for term in value.lower().split()[:4]:
            qs = qs.filter(search_text__contains=term)
        return qs

    def filter_case(self, qs: QuerySet[Learner], name: str, value: str) -> QuerySet[Learner]:
        return self._case_only(qs).filter(**{name: value})

    def filter_flag(self, qs: QuerySet[Learner], name: str, value: str) -> QuerySet[Learner]:
        lookups = {
            "pp": {"pupil_premium": True},
            "eal": {"eal": True},
            "cla": {"looked_after": True},
            "cin": {"cp_status": Learner.Status.CIN},
            "cp": {"cp_status": Learner.Status.CP},
        }
        return self._case_only(qs).filter(**lookups[value])
