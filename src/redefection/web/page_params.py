"""What every HTML page route shares: who may call it, and forgiving parsing of query parameters.

Filters come from plain GET forms, so an empty field arrives as ``year=``;
these helpers read such a field as "any" instead of failing with 422, and
ignore a malformed number the same way (the page then shows every row, and
the filter form shows the field empty).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request

from ..store import Store
from .auth import Principal, get_store, page_principal
from .caching import facet_cache, signature

# Anyone the app lets in: a logged-in user, or an anonymous visitor (public view) when anonymous reading is on.
Reader = Annotated[Principal, Depends(page_principal())]
# Logged-in users only (any role): pages the public view never offers.
Member = Annotated[Principal, Depends(page_principal("viewer"))]
# Editors and admins: review decisions, merges and splits.
Editor = Annotated[Principal, Depends(page_principal("editor"))]
StoreDep = Annotated[Store, Depends(get_store)]

PAGE_SIZE = 50
MAX_OFFSET = 1_000_000


def text_param(request: Request, name: str, max_length: int = 200) -> str | None:
    """A query parameter's text, stripped; None when absent or empty."""
    value = request.query_params.get(name, "").strip()
    return value[:max_length] or None


def int_param(request: Request, name: str, low: int = 0, high: int = 10**9) -> int | None:
    """A query parameter as a whole number between ``low`` and ``high``; None when absent, empty or malformed."""
    value = text_param(request, name, 20)
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def choice_param(request: Request, name: str, allowed: Iterable[str]) -> str | None:
    """A query parameter if it is one of ``allowed``, else None."""
    value = text_param(request, name)
    return value if value is not None and value in set(allowed) else None


def bool_param(request: Request, name: str) -> bool | None:
    """``yes``/``no`` (also ``true``/``false``, ``1``/``0``) as a bool; anything else None."""
    value = (text_param(request, name) or "").lower()
    if value in {"yes", "true", "1"}:
        return True
    if value in {"no", "false", "0"}:
        return False
    return None


def offset_param(request: Request) -> int:
    return int_param(request, "offset", 0, MAX_OFFSET) or 0


def facet_counts(request: Request, store: Store, public: bool) -> dict[str, dict[str, int]]:
    """The filter counts of the case and document lists, from the app's ``FacetCache``."""
    return facet_cache(request.app).get(store, public=public, signature=signature(request, store))


def kept_params(request: Request, *names: str) -> dict[str, str]:
    """The non-empty query parameters among ``names``: the filters a pager or sort link must keep."""
    kept = {}
    for name in names:
        value = text_param(request, name)
        if value is not None:
            kept[name] = value
    return kept


__all__ = [
    "PAGE_SIZE",
    "Editor",
    "Member",
    "Reader",
    "StoreDep",
    "bool_param",
    "choice_param",
    "facet_counts",
    "int_param",
    "kept_params",
    "offset_param",
    "text_param",
]
