"""Run the test identity platform: ``python -m tests.run_on_clock tests.oidc_platform.serve`` (on the test's clock).

Reads PLATFORM_DB (a SQLite file), PLATFORM_CLIENT (JSON: client_id, client_secret, redirect_uris,
post_logout_redirect_uris) and PLATFORM_PEOPLE (JSON: username → password, sub, name, amr, acr); binds a free port
on 127.0.0.1, prints ``PLATFORM READY <port>`` and serves until terminated.
"""

from __future__ import annotations

import json
import os
import sys


def _rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def migrate_only() -> None:
    """``serve --migrate``: prepare PLATFORM_DB and stop (the harness copies it for each test: migrating is the
    slow part of starting)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_platform.settings"
    os.environ.setdefault("PLATFORM_ISSUER", "http://127.0.0.1/o")
    os.environ.setdefault("PLATFORM_RSA_KEY", "")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    if "--migrate" in sys.argv[1:]:
        migrate_only()
        return
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    port = server.server_address[1]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_platform.settings"
    os.environ["PLATFORM_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ["PLATFORM_RSA_KEY"] = _rsa_key()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)  # nothing to do on the harness's prepared copy
    client = json.loads(os.environ["PLATFORM_CLIENT"])
    Application.objects.create(
        name="社区云运营管理门户", client_id=client["client_id"], client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
    )
    for username, person in json.loads(os.environ.get("PLATFORM_PEOPLE", "{}")).items():
        User.objects.create_user(username, password=person["password"])
    server.set_app(get_wsgi_application())
    print(f"PLATFORM READY {port}", flush=True)  # noqa: T201 (the parent process waits for this line)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
