"""Track bodies for the catalog and progress service tests."""

from __future__ import annotations

from typing import Any

RUBRIC = [{"criterion": "Design", "max_points": 40}, {"criterion": "Build", "max_points": 40}, {"criterion": "Docs", "max_points": 20}]


def track_input(key: str, level: str = "associate", **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": f"Solution Architect {level.capitalize()} (Data Platform 8)",
        "delivery_role": "solution_architect",
        "level": level,
        "product_line": "data-platform",
        "product_version": "8",
        "exam_pass_mark": 70,
        "exam_max_attempts": 3,
        "exam_cooldown_days": 14,
        "validity_days": 730,
        "modules": [{"key": "m1", "title": "One"}, {"key": "m2", "title": "Two"}, {"key": "m3", "title": "Elective", "required": False}],
        **extra,
    }
