"""Server-side charts: plain figures in, an accessible SVG out (matplotlib's SVG backend).

Domains compute the numbers; this package only draws them. The same SVG goes into a web page and
into a PDF, and a chart always carries its numbers as a table (`Chart.rows`) for screen readers,
exports and anyone who prefers figures to pictures.
"""

from alliance.charts.model import Chart, ChartKind, Series, ValueFormat
from alliance.charts.svg import namespaced, render_svg

__all__ = ["Chart", "ChartKind", "Series", "ValueFormat", "namespaced", "render_svg"]
