from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from bianzhi.access import may, require, restrict
from evaluations.api.serializers import UploadSerializer
from surveys import selectors, services
from surveys.defaults import SATISFACTION_RATE_DEFINITION as SATISFACTION_DEFINITION
from surveys.models import Form, SurveyResponse

from .serializers import (
    DistributionSerializer,
    FormSerializer,
    ResponseSerializer,
    SheetFileInputSerializer,
    SheetInputSerializer,
    SheetSerializer,
    UnitStatsSerializer,
)


class FormViewSet(viewsets.ReadOnlyModelViewSet):
    """Form definitions; per form its distribution, answer sheets (the office) and statistics."""

    serializer_class = FormSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Form.objects.none()
        return selectors.form_list_for_user(user=self.request.user).prefetch_related("questions").order_by("pk")

    def _form(self, action: str) -> Form:
        """The form (404 if the user may not see it), if the user may do `action` on it (else 403)."""
        form = self.get_object()
        require(self.request.user, action, form, message=_("只有评估人员可以查看"))
        return form

    @extend_schema(responses=DistributionSerializer(many=True))
    @action(detail=True)
    def distribution(self, request, pk=None, format=None):
        """Per unit: public links, one-use ballots issued and used, the response rate, answer sheets."""
        form = self._form("form.answers")
        boxes = selectors.ballot_boxes_by_target(form=form)
        links = dict(form.links.values_list("target_id").annotate(n=Count("id")).order_by())
        responses = dict(form.responses.values_list("target_id").annotate(n=Count("id")).order_by())
        if form.kind == Form.Kind.STAFF_ASSESSMENT:  # no answer sheets: the ballots released into the statistics
            responses = {target_id: box.released for target_id, box in boxes.items()}
        rows = [
            {"target": t, "links": links.get(t.pk, 0), "responses": responses.get(t.pk, 0),
             "ballots_issued": boxes[t.pk].issued if t.pk in boxes else 0,
             "ballots_used": boxes[t.pk].used if t.pk in boxes else 0,
             "response_rate": boxes[t.pk].response_rate if t.pk in boxes else None}
            for t in form.campaign.targets.select_related("unit")
        ]
        return Response(DistributionSerializer(rows, many=True).data)

    @extend_schema(responses=ResponseSerializer(many=True))
    @action(detail=True)
    def responses(self, request, pk=None, format=None):
        """A public form's answer sheets, paginated. The staff assessment keeps none: its statistics only."""
        form = self._form("form.answers")
        if form.is_staff_assessment:
            raise NotFound(_("测评表为不记名测评，不保存也不提供逐份答卷；请查看统计结果（statistics）。"))
        responses = SurveyResponse.objects.filter(form=form).select_related("target__unit").prefetch_related("answers__question")
        page = self.paginate_queryset(responses.order_by("target__unit__code", "id"))
        return self.get_paginated_response(ResponseSerializer(page, many=True).data)

    @extend_schema(responses=UnitStatsSerializer(many=True))
    @action(detail=True)
    def statistics(self, request, pk=None, format=None):
        """Per unit and for the campaign: counts, distribution, 满意率 per dimension."""
        form = self.get_object()
        sees_all = may(request.user, "results.view_all", form)
        # a liaison: their own unit only
        targets = None if sees_all else restrict(form.campaign.targets.all(), request.user, "package.view")
        stats = selectors.form_statistics(form=form, targets=targets)
        payload = {
            "definition": SATISFACTION_DEFINITION,
            "min_responses": stats.min_responses,
            "units": UnitStatsSerializer(stats.units.values(), many=True).data,
        }
        if sees_all:
            payload["total"] = UnitStatsSerializer(stats.total).data
        return Response(payload)

    def _sheet_of(self, request, target_pk):
        form = self.get_object()
        if not form.is_sheet:
            raise NotFound
        return form, selectors.sheet_target_get_for_user(user=request.user, form=form, pk=int(target_pk))

    @extend_schema(methods=["get"], responses=SheetSerializer)
    @extend_schema(methods=["post"], request=SheetInputSerializer, responses=SheetSerializer)
    @action(detail=True, methods=["get", "post"], url_path=r"units/(?P<target_pk>[0-9]+)/sheet")
    def sheet(self, request, pk=None, target_pk=None, format=None):
        """An evaluation sheet of one unit (评估表): read by the office and leaders, filled by the unit's team.

        POST saves the caller's draft scores (all or nothing: an out-of-range score is refused, never clamped).
        """
        form, target = self._sheet_of(request, target_pk)
        if request.method == "POST":
            require(request.user, "sheet.fill", target, message=_("只能查看评估表，不能修改"))
            data = SheetInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.sheet_entries_save(form=form, target=target, evaluator=request.user,
                                        data=data.validated_data["scores"])
        payload = {"target": target, "signoff": selectors.sheet_signoff_get(form=form, target=target),
                   "rows": selectors.sheet_rows(form=form, target=target)}
        return Response(SheetSerializer(payload).data)

    @extend_schema(request=SheetFileInputSerializer, responses={201: UploadSerializer})
    @action(detail=True, methods=["post"], url_path=r"units/(?P<target_pk>[0-9]+)/sheet/files",
            parser_classes=[MultiPartParser])
    def sheet_files(self, request, pk=None, target_pk=None, format=None):
        """An evaluator's own file for one question of the unit's sheet (checked by content, versioned)."""
        form, target = self._sheet_of(request, target_pk)
        require(request.user, "sheet.fill", target, message=_("只能查看评估表，不能修改"))
        data = SheetFileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = get_object_or_404(form.questions, code=data.validated_data["question"])
        replaces = data.validated_data["replaces"]
        replaces = get_object_or_404(target.uploads, pk=replaces) if replaces else None
        file = data.validated_data["file"]
        upload = services.sheet_file_add(form=form, target=target, question=question, actor=request.user,
                                         data=file.read(), name=file.name, replaces=replaces)
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)
