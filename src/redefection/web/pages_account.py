"""A user's own account (change the password) and the admin's API tokens page (list, revoke).

Changing the password needs the current one and ends every other session of
the user (the one in use stays). Admins see every API token with its user,
creation, last use and expiry, and revoke one without disabling its user;
the CLI offers the same (``redefection token list`` / ``token revoke``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from ..app import accounts
from ..errors import NotFound
from .auth import SESSION_COOKIE, csrf_protect, page_principal
from .page_params import Member, StoreDep
from .templating import render

router = APIRouter()
Admin = Depends(page_principal("admin"))
MAX_FIELD = accounts.MAX_PASSWORD_LENGTH * 4


def _field(form: object, name: str) -> str:
    value = form.get(name) if hasattr(form, "get") else None
    return value[:MAX_FIELD] if isinstance(value, str) else ""


@router.get("/account")
def account_page(request: Request, principal: Member) -> Response:
    """The logged-in user's account: name, role, and the form to change the password."""
    done = request.query_params.get("changed")
    ended = done if done and done.isdigit() else None
    return render(request, "account.html", {"title": "Your account", "error": None, "ended": ended})


@router.post("/account/password", dependencies=[Depends(csrf_protect)])
async def change_password(request: Request, principal: Member, store: StoreDep) -> Response:
    """Change one's own password (the current one must be given); every other session of the user ends."""
    form = await request.form()
    new = _field(form, "new_password")
    error = None
    if new != _field(form, "confirm_password"):
        error = "The two new passwords differ."
    else:
        try:
            ended = await run_in_threadpool(
                accounts.change_own_password,
                store,
                principal.name,
                _field(form, "current_password"),
                new,
                request.cookies.get(SESSION_COOKIE),
            )
        except (PermissionError, ValueError) as exc:
            error = str(exc).capitalize() + "."
    if error is not None:
        context = {"title": "Your account", "error": error, "ended": None}
        return render(request, "account.html", context, status_code=400)
    return RedirectResponse(f"/account?changed={ended}", status_code=303)


@router.get("/admin/tokens", dependencies=[Admin])
def tokens_page(request: Request, store: StoreDep) -> Response:
    """Every API token: name, user, created, last used, expiry, and a button to revoke it."""
    return render(request, "tokens.html", {"title": "API tokens", "tokens": accounts.list_tokens(store)})


@router.post("/admin/tokens/{token_id}/revoke", dependencies=[Admin, Depends(csrf_protect)])
def revoke_token(token_id: int, store: StoreDep) -> Response:
    """Revoke one API token at once (its user keeps every other token and their sessions)."""
    if not 1 <= token_id < 2**63:
        raise HTTPException(404, f"no token with id {token_id}")
    try:
        accounts.revoke_token(store, token_id)
    except NotFound as exc:
        raise HTTPException(404, f"no token with id {token_id}") from exc
    return RedirectResponse("/admin/tokens", status_code=303)


__all__ = ["router"]
