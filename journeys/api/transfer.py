"""journeys/{id}/export/ and journeys/import/: a journey as a JSON file, and such a file imported as a copy."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cxplatform.api.parsers import JSONParser
from journeys.models import Journey
from journeys.selectors import journey_list
from journeys.services.transfer import ImportRefused, journey_export, journey_import, parse_import_file

from .permissions import CanEditJourneysOrReadOnly, check_can_edit_journey
from .serializers import JourneySerializer


class JourneyExportView(APIView):
    """The whole journey (personas, stages, touchpoints, findings) in the CX Platform journey file format."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        journey = get_object_or_404(Journey, pk=pk)
        return Response(journey_export(journey=journey))


class JourneyImportView(APIView):
    """Create a copy from an exported journey file: the JSON body itself, or a multipart upload named `file`.
    All or nothing: a file with any problem imports nothing and every problem is listed with its place."""

    permission_classes = [CanEditJourneysOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("name", str, description="Name of the copy (default: “<name> (imported)”).")],
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="The file was not imported.")},
    )
    def post(self, request: Request) -> Response:
        try:
            with transaction.atomic():
                upload = request.FILES.get("file")
                data = parse_import_file(upload.read()) if upload else request.data
                result = journey_import(data=data, name=request.query_params.get("name") or None)
                # The copy lands in the file's journey group: refused (and rolled back) unless the user edits there.
                check_can_edit_journey(request.user, result.journey)
        except ImportRefused as refused:
            return Response(
                {"detail": _("The file was not imported."), "code": "invalid_import", "errors": refused.messages},
                status=status.HTTP_400_BAD_REQUEST,
            )
        journey = journey_list().get(pk=result.journey.pk)
        return Response(
            {"journey": JourneySerializer(journey).data, "warnings": result.warnings}, status=status.HTTP_201_CREATED
        )
