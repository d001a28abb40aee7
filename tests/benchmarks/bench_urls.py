from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from surveys.models import SurveyResponse


@csrf_exempt
def bare_save(request):
    """The baseline: a Django view that saves one row and nothing more."""
    SurveyResponse.objects.create(form_id=request.POST["form"], target_id=request.POST["target"])
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare_save), path("", include("bianzhi.urls"))]
