"""The navigation: each app registers its entries in AppConfig.ready().

An entry shows only when the person's scope holds its capability (or, with no
capability, to every member), so the menu never offers what they may not use.
The pages themselves still check: the menu is a convenience, not the guard.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from pastoral.access import Cap, Scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    cap: Cap | None = None
    roles: frozenset[str] | None = None
    # A rule the capability table cannot say (e.g. "every member but an
    # administrator with no other role"): the app's own access check.
    visible: Callable[[Scope], bool] | None = None

    @functools.cached_property
    def url(self) -> str:
        """Reversed once per process, not on every page."""
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.url_name] = item


def items_for(scope: Scope | None) -> list[NavItem]:
    if scope is None:
        return []
    visible = [
        item
        for item in _items.values()
        if (item.cap is None or scope.can(item.cap))
        and (item.roles is None or scope.has(*item.roles))
        and (item.visible is None or item.visible(scope))
    ]
    return sorted(visible, key=lambda item: (item.order, item.label))


@dataclass(frozen=True)
class LearnerLink:
    """A button on the learner's directory card leading to an app's page about them."""

    label: str
    url_name: str  # reversed with kwargs {"pk": learner.pk}
    order: int = 50
    cap: Cap | None = None
    case_scope: bool = True  # only when the learner is in the person's case scope


_learner_links: dict[str, LearnerLink] = {}


def register_learner_link(link: LearnerLink) -> None:
    _learner_links[link.url_name] = link


def learner_links_for(
    scope: Scope | None, learner_pk: int, in_case_scope: bool
) -> list[dict[str, str]]:
    from django.urls import reverse

    if scope is None:
        return []
    links = [
        link
        for link in _learner_links.values()
        if (link.cap is None or scope.can(link.cap)) and (in_case_scope or not link.case_scope)
    ]
    return [
        {"label": link.label, "url": reverse(link.url_name, kwargs={"pk": learner_pk})}
        for link in sorted(links, key=lambda item: (item.order, item.label))
    ]
