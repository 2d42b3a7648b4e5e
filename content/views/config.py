"""Configuration pages: the review chain of a level (its operations office) and the sensitive-word lexicon (the city
operations office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shequyun.paging import paginate

from .. import permissions, selectors, services
from ..forms import ChainForm, ImportWordsForm, LexiconSearchForm, WordForm
from ..models import ReviewChain
from .common import errors_to_form, querystring


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = ReviewChain.objects.filter(region_id=user.region_id).first() if user.region_id else None
    _region, applies = selectors.chain_steps(user.region) if user.region_id else (None, [])
    return render(request, "content/chain_list.html", {
        **paginate(request, selectors.chain_list(user=user), per_page=50), "own": own, "applies": applies,
        "can_configure": user.region_id is not None and permissions.may_configure_chain(user, user.region),
    })


def _chain_form_page(request: HttpRequest, chain: ReviewChain | None) -> HttpResponse:
    region = chain.region if chain is not None else request.user.region
    editable = permissions.may_configure_chain(request.user, region)
    initial = {}
    if chain is not None:
        for step in chain.steps.all():
            initial |= {f"step{step.position}_name": step.name, f"step{step.position}_role": step.role,
                        f"step{step.position}_level": step.level}
    form = ChainForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if request.POST.get("delete") and chain is not None:
            services.chain_delete(actor=request.user, chain=chain)
            messages.success(request, _("已删除本级审核链，将沿用上级的审核链。"))
            return redirect("content:chain_list")
        if form.is_valid():
            try:
                saved = services.chain_save(actor=request.user, region=region, steps=form.steps())
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("审核链已保存；之后送审的内容按新的步骤审核。"))
                return redirect("content:chain_detail", pk=saved.pk)
    return render(request, "content/chain_form.html", {"form": form, "chain": chain, "region": region,
                                                       "editable": editable},
                  status=400 if request.method == "POST" else 200)


@login_required
def chain_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.region is None or not permissions.may_configure_chain(user, user.region):
        raise PermissionDenied
    existing = ReviewChain.objects.filter(region=user.region).first()
    if existing is not None:
        return redirect("content:chain_detail", pk=existing.pk)
    return _chain_form_page(request, None)


@login_required
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _chain_form_page(request, selectors.chain_get(user=request.user, pk=pk))


@login_required
def lexicon(request: HttpRequest) -> HttpResponse:
    if not permissions.may_edit_lexicon(request.user):
        raise PermissionDenied
    word_form = WordForm(prefix="add")
    import_form = ImportWordsForm(prefix="import")
    status = 200
    if request.method == "POST":
        operation = request.POST.get("operation")
        try:
            if operation == "add":
                word_form = WordForm(request.POST, prefix="add")
                if word_form.is_valid():
                    services.word_save(actor=request.user, **word_form.cleaned_data)
                    messages.success(request, _("已保存词语“%(w)s”。") % {"w": word_form.cleaned_data["word"]})
                    return redirect(f"{request.path}?{request.GET.urlencode()}")
            elif operation == "import":
                import_form = ImportWordsForm(request.POST, prefix="import")
                if import_form.is_valid():
                    added = services.words_import(actor=request.user, **import_form.cleaned_data)
                    messages.success(request, _("已导入 %(n)d 个词语。") % {"n": added})
                    return redirect(request.path)
            elif operation == "remove":
                word_id = request.POST.get("word_id", "")
                if not word_id.isdigit():
                    raise ValidationError({"word": [_("请选择要删除的词语。")]})
                services.word_remove(actor=request.user, word_id=int(word_id))
                messages.success(request, _("已删除。"))
                return redirect(f"{request.path}?{request.GET.urlencode()}")
            else:
                messages.error(request, _("未知操作。"))
        except ValidationError as exc:
            if operation == "remove":
                messages.error(request, "；".join(exc.messages))
            else:
                errors_to_form(import_form if operation == "import" else word_form, exc)
        status = 400
    search = LexiconSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    page = paginate(request, selectors.lexicon(q=filters.get("q", ""), severity=filters.get("severity", "")),
                    per_page=50)["page"]
    return render(request, "content/lexicon.html", {
        "word_form": word_form, "import_form": import_form, "search": search, "page": page,
        "querystring": querystring(request)}, status=status)
