"""Notifications: the in-app inbox and e-mail for every reminder and every transition that waits on someone.

Apps call :func:`shequyun.notifications.services.notify`; nothing else writes notifications.
"""
