from apps.api.records import RecordDetailApi, RecordListCreateApi, record_schema
from apps.nutrition.serializers import MealInputSerializer, MealSerializer
from apps.nutrition.services import MEAL

EXAMPLE = {
    "id": "5b6c1d2e-0f1a-4b2c-9d3e-4f5a6b7c8d9e",
    "eaten_at": "2026-11-26T11:30:00Z",
    "name": "Lentil soup and bread",
    "kcal": 650.0,
    "protein_g": 32.0,
    "carbs_g": 85.0,
    "fat_g": 18.0,
    "fiber_g": 16.0,
    "leucine_g": 2.4,
    "created_at": "2026-11-26T11:31:00Z",
    "updated_at": "2026-11-26T11:31:00Z",
}
REQUEST = {
    k: EXAMPLE[k]
    for k in ("id", "name", "kcal", "protein_g", "carbs_g", "fat_g", "fiber_g", "leucine_g")
} | {"eaten_at": "2026-11-26T12:30:00+01:00"}

list_schema, detail_schema = record_schema(
    tag="nutrition",
    noun="meal",
    input_serializer=MealInputSerializer,
    output_serializer=MealSerializer,
    example=EXAMPLE,
    request_example=REQUEST,
)


class MealMixin:
    spec = MEAL
    input_serializer = MealInputSerializer
    output_serializer = MealSerializer
    time_field = "eaten_at"


@list_schema
class MealListApi(MealMixin, RecordListCreateApi):
    pass


@detail_schema
class MealDetailApi(MealMixin, RecordDetailApi):
    pass
