from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .models import User

HOME_BY_ROLE = {
    User.Role.ADMIN: "evaluations:campaign_list",
    User.Role.EVALUATOR: "evaluations:campaign_list",
    User.Role.LEADER: "reports:dashboard",
    User.Role.LIAISON: "evaluations:workbench",
}


@login_required
def home(request):
    """Each role lands on its own home page."""
    return redirect(HOME_BY_ROLE[request.user.role])
