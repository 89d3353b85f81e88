from apps.activity.serializers import ExerciseSessionInputSerializer, ExerciseSessionSerializer
from apps.activity.services import EXERCISE_SESSION
from apps.api.records import RecordDetailApi, RecordListCreateApi, record_schema

EXAMPLE = {
    "id": "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f",
    "started_at": "2026-11-26T07:00:00Z",
    "minutes": 45,
    "intensity": "moderate",
    "kind": "cycling",
    "note": "",
    "created_at": "2026-11-26T08:00:00Z",
    "updated_at": "2026-11-26T08:00:00Z",
}
REQUEST = {
    "id": EXAMPLE["id"],
    "started_at": "2026-11-26T08:00:00+01:00",
    "minutes": 45,
    "intensity": "moderate",
    "kind": "cycling",
}

list_schema, detail_schema = record_schema(
    tag="exercise",
    noun="exercise session",
    input_serializer=ExerciseSessionInputSerializer,
    output_serializer=ExerciseSessionSerializer,
    example=EXAMPLE,
    request_example=REQUEST,
)


class ExerciseMixin:
    spec = EXERCISE_SESSION
    input_serializer = ExerciseSessionInputSerializer
    output_serializer = ExerciseSessionSerializer
    time_field = "started_at"


@list_schema
class ExerciseSessionListApi(ExerciseMixin, RecordListCreateApi):
    pass


@detail_schema
class ExerciseSessionDetailApi(ExerciseMixin, RecordDetailApi):
    pass
