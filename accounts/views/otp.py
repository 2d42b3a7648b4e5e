"""TOTP second factor: enrolment with a QR code (inline SVG, nothing leaves the server) and verification."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shequyun.audit import AuditEventType, record_event
from shequyun.redirects import redirect_next

from ..forms import TokenForm
from ..services.accounts import otp_device_confirm, otp_device_pending


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8").split("?>", 1)[-1]


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = otp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_device_confirm(user=request.user, device=device, request=request)
            otp_login(request, device)
            messages.success(request, _("已绑定身份验证器。"))
            return redirect_next(request)
        form.add_error("token", _("验证码不正确或已过期，请重试。"))
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": mark_safe(_qr_svg(device.config_url)), "secret": secret,  # noqa: S308 (our own SVG)
    })


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect_next(request)
        record_event(AuditEventType.SIGN_IN_FAILED, actor=request.user, request=request, second_factor=True)
        form.add_error("token", _("验证码不正确或已过期，请重试。"))
    return render(request, "accounts/otp_verify.html", {"form": form})
