"""A real OpenID Connect provider for the tests: django-oauth-toolkit in OIDC mode, in its own small Django project
and its own process (so its sessions, cookies and users are apart from the portal's, as a city platform's would be).

``serve.py`` starts it on a free loopback port; ``harness.py`` gives the tests a ``platform`` fixture that starts
it, points the portal's ``OIDC_*`` settings at it and signs people in at its login page.
"""
