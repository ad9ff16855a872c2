"""Pages of accounts: sign-in (password, then the authenticator code when enrolled), sign-out,
re-authentication before sensitive actions, and the administrators' user list (reset a second factor,
deactivate or reactivate an account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from ipexpath.registry import audit
from ipexpath.web import second_factor
from ipexpath.web.access import fresh_authentication, needs, role_of
from ipexpath.web.roles import Permission
from ipexpath.web.signin import (
    GENERIC_FAILURE,
    await_second_factor,
    fail,
    is_locked,
    pending_user,
    reauthenticated,
    sign_in,
    signed_in,
)

NOT_ENROLLED = (
    "Your role needs a second sign-in factor (an authenticator app), and none is set up for your account "
    "yet. Ask an administrator to enrol you (ipexpath users enrol-mfa YOUR-NAME)."
)
WRONG_CODE = (
    "The code is not correct or was already used. Enter the current 6-digit code, or a recovery code."
)


def _safe_target(request: HttpRequest, target: str) -> str:
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Sign in with the password (lockout after repeated failures; one generic message); users with an
    authenticator go on to the code page; users whose role needs one and who have none are refused."""
    target = _safe_target(request, request.POST.get("next") or request.GET.get("next") or "/")
    error, status = "", 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        result = sign_in(request, username, request.POST.get("password", ""))
        if result.user is not None:
            if second_factor.is_enrolled(result.user):
                await_second_factor(request, result.user, target)
                return redirect("signin_code")
            if not second_factor.is_required(result.user):
                signed_in(request, result.user, "password")
                return redirect(target)
            fail(request, username, "second factor required but not enrolled")
            error, status = NOT_ENROLLED, 403
        else:
            error, status = result.message, 401
    return render(request, "web/signin.html", {"error": error, "next": target}, status=status)


@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    """The second step: the authenticator's 6-digit code or a recovery code (failures count towards the
    lockout; the wait for the code ends after 5 minutes)."""
    user, target = pending_user(request)
    if user is None:
        return redirect("signin")
    error, status = "", 200
    if request.method == "POST":
        username = user.get_username()
        if is_locked(username):
            fail(request, username, "second-factor attempt while locked")
            request.session.flush()
            return render(request, "web/signin.html", {"error": GENERIC_FAILURE, "next": "/"}, status=401)
        checked = second_factor.verify(user, request.POST.get("code", ""))
        if checked.how:
            signed_in(request, user, checked.how, checked.device)
            if checked.how == "recovery code":
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {checked.codes_left} left. Ask an administrator "
                    "for new codes if you lost your authenticator.",
                )
            return redirect(target)
        if fail(request, username, "wrong second-factor code"):
            request.session.flush()
            return render(request, "web/signin.html", {"error": GENERIC_FAILURE, "next": "/"}, status=401)
        error, status = WRONG_CODE, 401
    return render(request, "web/signin_code.html", {"error": error}, status=status)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, CSRF-checked) and end the session."""
    if request.user.is_authenticated:
        audit.record("signout", model="User", detail="signed out")
    logout(request)
    return redirect("/signin/")


@needs(Permission.VIEW)
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Prove again who you are (password, and the code when enrolled) before a sensitive action."""
    from django.contrib.auth import authenticate

    target = _safe_target(request, request.POST.get("next") or request.GET.get("next") or "/")
    user = request.user
    enrolled = second_factor.is_enrolled(user)
    error, status = "", 200
    if request.method == "POST":
        username = user.get_username()
        password_ok = (
            not is_locked(username)
            and authenticate(request, username=username, password=request.POST.get("password", ""))
            is not None
        )
        checked = (
            second_factor.verify(user, request.POST.get("code", "")) if enrolled and password_ok else None
        )
        if password_ok and (not enrolled or (checked is not None and checked.how)):
            reauthenticated(request, "password and " + checked.how if checked is not None else "password")
            return redirect(target)
        if fail(request, username, "re-authentication failed"):
            logout(request)
            return redirect("signin")
        error, status = "The password or the code is not correct.", 401
    return render(
        request, "web/reauth.html", {"error": error, "next": target, "enrolled": enrolled}, status=status
    )


# ------------------------------------------------------------------------------------------------ users
def _account(username: str) -> object:
    found = get_user_model().objects.filter(username=username).select_related("membership").first()
    if found is None:
        raise Http404("No such user.")
    return found


@needs(Permission.MANAGE_USERS)
@fresh_authentication
def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts: role, centres, second factor, active (administrators; re-authentication first)."""
    rows = []
    for user in get_user_model().objects.order_by("username").select_related("membership"):
        membership = getattr(user, "membership", None)
        rows.append(
            {
                "name": user.get_username(),
                "role": role_of(user),
                "centres": [c.code for c in membership.centres.all()] if membership else [],
                "enrolled": second_factor.is_enrolled(user),
                "required": second_factor.is_required(user),
                "codes_left": second_factor.recovery_codes_left(user),
                "active": user.is_active,
                "me": user.pk == request.user.pk,
                "tokens": list(user.api_tokens.order_by("expires_at")),  # type: ignore[attr-defined]
            }
        )
    audit.record("read", model="User", detail="user list")
    return render(request, "web/users.html", {"rows": rows})


@needs(Permission.MANAGE_USERS)
@fresh_authentication
@require_POST
def user_reset_factor(request: HttpRequest, username: str) -> HttpResponse:
    """Remove a user's authenticator and recovery codes (a lost phone); they are enrolled again with
    `ipexpath users enrol-mfa` (audited)."""
    user = _account(username)
    removed = second_factor.reset(user)
    audit.record("update", model="User", detail=f"second factor reset for {username} ({removed} removed)")
    from ipexpath.web.credentials import changed

    changed(user, "your second sign-in factor was removed", f"{request.user.get_username()} (Users page)")
    messages.success(
        request,
        f"The second factor of {username} was removed. "
        f"Enrol a new one with: ipexpath users enrol-mfa {username}",
    )
    return redirect("users")


@needs(Permission.MANAGE_USERS)
@fresh_authentication
@require_POST
def user_active(request: HttpRequest, username: str) -> HttpResponse:
    """Deactivate or reactivate an account (not one's own; audited). A deactivated user cannot sign in and
    their API tokens stop working."""
    user = _account(username)
    if user.pk == request.user.pk:  # type: ignore[attr-defined]
        messages.error(request, "You cannot deactivate your own account.")
        return redirect("users")
    active = request.POST.get("active") == "1"
    user.is_active = active  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])  # type: ignore[attr-defined]
    if not active:
        from django.contrib.sessions.models import Session

        for session in Session.objects.all().iterator():  # end the user's open sessions
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):  # type: ignore[attr-defined]
                session.delete()
    audit.record("update", model="User", detail=f"{username} {'reactivated' if active else 'deactivated'}")
    messages.success(request, f"{username} {'reactivated' if active else 'deactivated'}.")
    return redirect("users")
