import re
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "security" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_security_string_has_an_english_translation():
    text = PO.read_text(encoding="utf-8")
    entries = re.findall(r'msgid "(.*)"\nmsgstr "(.*)"', text)
    assert entries
    assert [m for m, s in entries if m and not s] == []
    assert text.count("#, fuzzy") <= 1  # the header only


@pytest.mark.django_db
def test_the_security_pages_speak_english(client, sec):
    client.force_login(sec["street_so"])
    with translation.override("en"):
        html = client.get("/security/incidents/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Report an incident or fault" in html or "上报事件或故障" in html
    with translation.override("en"):
        from security.models import Grade

        assert str(Grade.III.label) == "Grade III (serious)"
