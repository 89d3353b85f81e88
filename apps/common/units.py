"""Glucose units. Stored in mg/dL (DESIGN.md rule 8)."""

MGDL = "mg/dL"
MMOLL = "mmol/L"
GLUCOSE_UNITS = (MGDL, MMOLL)
MGDL_PER_MMOLL = 18.01559


def to_mgdl(value: float, unit: str) -> float:
    return value * MGDL_PER_MMOLL if unit == MMOLL else value


def from_mgdl(value_mgdl: float, unit: str) -> float:
    return value_mgdl / MGDL_PER_MMOLL if unit == MMOLL else value_mgdl
