from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every form field renders through templates/partials/field.html: label, help, errors linked by aria."""

    field_template_name = "partials/field.html"
