"""The navigation: each app registers its entries in AppConfig.ready().

An entry shows only when the person's scope holds its capability (or, with no
capability, to every member), so the menu never offers what they may not use.
The pages themselves still check: the menu is a convenience, not the guard.
"""

from __future__ import annotations

from dataclasses import dataclass

from pastoral.access import Cap, Scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    cap: Cap | None = None
    roles: frozenset[str] | None = None


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
    ]
    return sorted(visible, key=lambda item: (item.order, item.label))
