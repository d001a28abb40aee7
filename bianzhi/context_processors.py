from .access import Permissions


def access(request):
    """`may` in every template: `{% if may.campaign.advance %}` (the rules of bianzhi.access)."""
    return {"may": Permissions(getattr(request, "user", None))}
