from django import template

from accounts.roles import Role

register = template.Library()


@register.filter
def role_label(slug: str) -> str:
    try:
        return str(Role(slug).label)
    except ValueError:
        return slug
