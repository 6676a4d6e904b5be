"""alliance.charts: accessible, deterministic SVG with the numbers as a table."""

import re
from decimal import Decimal

import pytest

from alliance.charts import Chart, ChartKind, Series, ValueFormat, namespaced, render_svg


def _ramp() -> Chart:
    return Chart(
        title="Share of partners with a first win",
        kind=ChartKind.line,
        categories=["0", "6", "12"],
        series=[Series("2025 Q1", [0, 0.25, 0.5]), Series("2025 Q2 <new>", [0, 0.4, None])],
        value_format=ValueFormat.percent,
        x_label="Months since enrolment",
        description="Cohort curves by enrolment quarter",
    )


@pytest.mark.parametrize("kind", list(ChartKind))
def test_every_kind_renders_an_accessible_svg(kind: ChartKind) -> None:
    chart = Chart(title="Plan & actual", kind=kind, categories=["Q1", "Q2"], series=[Series("Actual", [3, 5])], reference=Series("Plan", [4, 4]))
    svg = render_svg(chart)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Plan &amp; actual</title>" in svg  # escaped, first child of the root


def test_output_is_deterministic_and_text_stays_text() -> None:
    first, second = render_svg(_ramp()), render_svg(_ramp())
    assert first == second  # a published report's SHA-256 must survive regeneration
    assert "2025 Q2 &lt;new&gt;" in first  # legend text is escaped text, not glyph paths
    assert "<desc>Cohort curves by enrolment quarter</desc>" in first


def test_rows_format_values_as_the_chart_does() -> None:
    assert _ramp().rows == [["0", "0 %", "0 %"], ["6", "25 %", "40 %"], ["12", "50 %", "–"]]
    money = Chart(
        title="Revenue", kind=ChartKind.bar, categories=["Q1"], series=[Series("Won", [Decimal("12500.40")])], value_format=ValueFormat.money, currency="EUR"
    )
    assert money.rows == [["Q1", "EUR 12,500"]]
    assert money.header == ["", "Won"]


def test_a_chart_refuses_inconsistent_figures() -> None:
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        Chart(title="x", kind=ChartKind.bar, categories=["a", "b"], series=[Series("s", [1])])
    with pytest.raises(ValueError, match="names its currency"):
        Chart(title="x", kind=ChartKind.bar, categories=["a"], series=[Series("s", [1])], value_format=ValueFormat.money)


@pytest.mark.parametrize("kind", list(ChartKind))
def test_namespacing_prefixes_every_id_and_every_reference(kind: ChartKind) -> None:
    svg = render_svg(Chart(title="Plan", kind=kind, categories=["Q1", "Q2"], series=[Series("Actual", [3, 5])], reference=Series("Plan", [4, 4])))
    found = namespaced(svg, "c1")
    ids = re.findall(r'\bid="([^"]+)"', found)
    references = re.findall(r'(?:url\(#|href="#)([^)"]+)', found)
    assert ids and all(i.startswith("c1-") for i in ids)
    assert all(r.startswith("c1-") for r in references) and set(references) <= set(ids)
    assert len(ids) == len(re.findall(r'\bid="', svg))
