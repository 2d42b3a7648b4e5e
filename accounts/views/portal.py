from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shequyun.redirects import redirect_next

from ..forms import FontScaleForm, SignInForm
from ..models import Region
from ..selectors import region_breadcrumbs, region_children, region_get_visible


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): the server-side session is flushed."""


def lockout_response(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """django-axes calls this when an account or address is locked: the answer looks like a wrong password."""
    if request.path.startswith("/api/"):
        return JsonResponse({"non_field_errors": [SignInForm.error_messages["invalid_login"]]}, status=400)
    # An unbound form: binding it would authenticate again. The template shows the same error as a wrong password.
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "sign_in_error": SignInForm.error_messages["invalid_login"]}
    return render(request, "accounts/login.html", context, status=200)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    region = request.user.region
    if region is None:
        return render(request, "accounts/no_region.html", status=403)
    from shequyun.home import home_panels, home_queues  # from every module's registered providers

    panels = home_panels(request.user)
    charts = [c for p in panels for c in p.charts]
    export = request.GET.get("export")
    if export:
        from shequyun.charts import chart_xlsx_response

        chart = next((c for c in charts if c.key == export), None)
        if chart is not None:
            return chart_xlsx_response(request=request, chart=chart)
    return render(
        request,
        "accounts/home.html",
        {
            "region": region,
            "trail": region.ancestors(),
            "counts": Region.objects.descendant_counts(region),
            "children": region_children(user=request.user, region=region),
            "panels": panels,
            "charts": charts,
            "queues": home_queues(request.user),
        },
    )


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from ..forms import PopulationForm
    from ..permissions import has_role
    from ..roles import Role
    from ..services.regions import region_update_population

    region = region_get_visible(user=request.user, code=code)
    can_edit = request.user.is_superuser or has_role(request.user, Role.ACCOUNT_ADMIN)
    form = PopulationForm(request.POST or None, initial={"households": region.households, "population": region.population})
    if request.method == "POST":
        if not can_edit:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                region_update_population(actor=request.user, region=region, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field, errors)
            else:
                messages.success(request, _("户数和人口已保存。"))
                return redirect("accounts:region", code=region.code)
    return render(
        request,
        "accounts/region_detail.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(user=request.user, region=region),
            "population_form": form if can_edit else None,
            "counts": Region.objects.descendant_counts(region),
            "children": region_children(user=request.user, region=region),
        },
    )


@require_POST
def font_scale(request: HttpRequest) -> HttpResponse:
    """大字模式: stored in the profile when signed in, in the session otherwise."""
    form = FontScaleForm(request.POST)
    if form.is_valid():
        scale = form.cleaned_data["font_scale"]
        if request.user.is_authenticated:
            from ..services.regions import user_set_font_scale

            user_set_font_scale(user=request.user, font_scale=scale)
        request.session["font_scale"] = scale
    else:
        messages.error(request, _("字号设置无效。"))
    return redirect_next(request)
