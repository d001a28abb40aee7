from django.urls import path

from . import views

campaign = "campaigns/<int:campaign_pk>/"
urlpatterns = [
    path(campaign + "scores/", views.ScoresApi.as_view(), name="scoring-api-scores"),
    path(campaign + "indicator-tree/", views.TreeApi.as_view(), name="scoring-api-tree"),
    path(campaign + "indicator-tree/indicators/<int:pk>/", views.IndicatorUpdateApi.as_view(), name="scoring-api-indicator"),
    path(campaign + "ahp/judgements/", views.JudgementsApi.as_view(), name="scoring-api-judgements"),
    path(campaign + "ahp/aggregate/", views.AggregationApi.as_view(), name="scoring-api-aggregate"),
    path(campaign + "ahp/weights/", views.WeightsApi.as_view(), name="scoring-api-weights"),
    path(campaign + "ahp/freeze/", views.FreezeApi.as_view(), name="scoring-api-freeze"),
    path(campaign + "results/", views.ResultsApi.as_view(), name="scoring-api-results"),
    path("ahp/experts/<str:token>/judgements/", views.ExpertJudgementsApi.as_view(), name="scoring-api-expert-judgements"),
]
