"""The scoring API: the campaign's tree, the judgements (an expert sees only their own), the group result and
the frozen weights. Thin: selectors read, services write (and refuse once the weights are frozen)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bianzhi.access import may, require
from evaluations.results_release import released_targets, results_released
from evaluations.selectors import campaign_get_for_user, target_list_for_user
from scoring import exporters, judging, services
from scoring.models import ROOT_NODE
from scoring.selectors import (
    campaign_tree,
    expert_get_by_token,
    expert_list,
    indicator_get,
    results_for_user,
    target_scores,
    tree_frozen,
    tree_judgement_inputs,
)

from .serializers import (
    AggregationQuerySerializer,
    ExpertJudgementsSerializer,
    FreezeSerializer,
    IndicatorSerializer,
    IndicatorUpdateInputSerializer,
    JudgementInputSerializer,
    JudgementSerializer,
    ResultSerializer,
    TargetScoreSerializer,
    TreeRowSerializer,
)


def _tree(request, campaign_pk: int, action: str):
    """The campaign's tree: 404 if the user may not see the campaign, 403 if they may not do `action` on it
    (the tree and its weights are read as on the tree page: by the office and the leaders)."""
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, action, campaign)
    tree = campaign_tree(campaign=campaign)
    if tree is None:
        raise Http404
    return tree


class ScoresApi(APIView):
    """The scores of the units the user may see (a liaison: their own unit). Before the results are fed back
    (反馈结果) they are provisional (暂定): the office and leaders see them, a liaison sees none."""

    @extend_schema(responses=TargetScoreSerializer(many=True))
    def get(self, request, campaign_pk: int):
        campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
        targets = target_list_for_user(user=request.user).filter(campaign=campaign)
        rows = TargetScoreSerializer(target_scores(campaign=campaign, targets=targets), many=True).data
        if not may(request.user, "results.view_provisional", campaign):
            fed_back = released_targets(targets.select_related("campaign")) if results_released(campaign) else set()
            for row in rows:
                if row["target"] not in fed_back:  # a liaison: nothing before their unit's own feedback
                    row["score"] = row["grade"] = None
        return Response(rows)


class TreeApi(APIView):
    """The campaign's tree: dimensions and indicators, with local and global weights once frozen."""

    @extend_schema(responses=TreeRowSerializer(many=True))
    def get(self, request, campaign_pk: int):
        tree = _tree(request, campaign_pk, "tree.view")
        freeze = tree_frozen(tree)
        rows = exporters.tree_rows(tree=tree, freeze=freeze)
        return Response({
            "name": tree.name, "frozen": freeze is not None,
            "rows": TreeRowSerializer(rows, many=True).data,
            "indicators": IndicatorSerializer([r["obj"] for r in rows if r["level"] == 2], many=True).data,
        })


class IndicatorUpdateApi(APIView):
    @extend_schema(request=IndicatorUpdateInputSerializer, responses=IndicatorSerializer)
    def patch(self, request, campaign_pk: int, pk: int):
        indicator = indicator_get(tree=_tree(request, campaign_pk, "tree.edit"), pk=pk)
        data = IndicatorUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = services.indicator_update(indicator=indicator, actor=request.user, **data.validated_data)
        return Response(IndicatorSerializer(indicator).data)


class JudgementsApi(APIView):
    """Every expert's matrices and CRs (the office and the leaders)."""

    @extend_schema(responses=ExpertJudgementsSerializer(many=True))
    def get(self, request, campaign_pk: int):
        experts = expert_list(tree=_tree(request, campaign_pk, "ahp.view"))
        return Response(ExpertJudgementsSerializer(experts, many=True).data)


class AggregationApi(APIView):
    """The group weights by AIJ or AIP over the experts not excluded (not frozen: a preview)."""

    @extend_schema(parameters=[AggregationQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request, campaign_pk: int):
        query = AggregationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        inputs = tree_judgement_inputs(tree=_tree(request, campaign_pk, "ahp.view"))
        try:
            result = judging.group_result(inputs.nodes, ROOT_NODE, inputs.judgements, names=inputs.names,
                                          **query.validated_data)
        except ValueError as exc:
            return Response({"message": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({
            **query.validated_data,
            "experts": [e.name for e in inputs.included], "excluded": [e.name for e in inputs.excluded],
            "local": {k: {"weights": n.weights, "cr": n.cr, "experts": n.experts} for k, n in result.local.items()},
            "global_weights": result.global_weights, "hierarchy_cr": result.hierarchy_cr,
        })


class WeightsApi(APIView):
    """The frozen weights; 404 until they are frozen."""

    @extend_schema(responses=FreezeSerializer)
    def get(self, request, campaign_pk: int):
        freeze = tree_frozen(_tree(request, campaign_pk, "tree.view"))
        if freeze is None:
            raise Http404
        return Response(FreezeSerializer(freeze).data)


class FreezeApi(APIView):
    @extend_schema(request=AggregationQuerySerializer, responses=FreezeSerializer)
    def post(self, request, campaign_pk: int):
        tree = _tree(request, campaign_pk, "ahp.freeze")  # first: who may, then what they sent
        data = AggregationQuerySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        freeze = services.weights_freeze(tree=tree, actor=request.user, **data.validated_data)
        return Response(FreezeSerializer(freeze).data, status=status.HTTP_201_CREATED)


class ExpertJudgementsApi(APIView):
    """An expert's own judgements, reached by the expert's token (no account): read them, or save one matrix."""

    permission_classes = [AllowAny]
    authentication_classes = []  # the token in the path is the credential; no session, so no CSRF

    @extend_schema(responses=JudgementSerializer(many=True))
    def get(self, request, token: str):
        return Response(JudgementSerializer(expert_get_by_token(token=token).judgements.all(), many=True).data)

    @extend_schema(request=JudgementInputSerializer, responses=JudgementSerializer)
    def put(self, request, token: str):
        expert = expert_get_by_token(token=token)
        data = JudgementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        judgement = services.judgement_save(expert=expert, **data.validated_data)
        return Response(JudgementSerializer(judgement).data)


class ResultsApi(APIView):
    """Each unit's latest result: the office and leaders every unit (live and `provisional` before 撰写报告);
    a liaison only their own unit, and only from 反馈结果 on (before that: an empty list)."""

    @extend_schema(responses=ResultSerializer(many=True))
    def get(self, request, campaign_pk: int):
        campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
        return Response(ResultSerializer(results_for_user(user=request.user, campaign=campaign), many=True).data)
