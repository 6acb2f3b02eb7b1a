"""Charts as SVG strings (pygal), embedded as data-URI images: the same markup works in the
browser under a strict CSP (no inline script or style in our page) and in WeasyPrint."""

import base64
import re

import pygal
from pygal.style import Style

# Okabe & Ito (2008), "Color Universal Design": six hues that stay apart for the common
# colour-vision deficiencies and in greyscale print. More series than colours are never drawn:
# the smallest are summed into one "Övriga" series (every row stays in the table beside it).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
MAX_SERIES = len(PALETTE)

_STYLE = Style(
    font_family="DejaVu Sans, sans-serif",
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#bbb",  # the gridlines: light, and drawn before (behind) the bars
    colors=PALETTE,
    guide_stroke_color="#c8c8c8",
    major_guide_stroke_color="#c8c8c8",
    guide_stroke_dasharray="1,0",
    major_guide_stroke_dasharray="1,0",
    opacity="1",
    opacity_hover="1",
    title_font_size=16,
    label_font_size=14,
    legend_font_size=15,
    major_label_font_size=14,
    value_font_size=13,
)


def limit_series(series: dict[str, list[int]], other: str) -> dict[str, list[int]]:
    """At most MAX_SERIES series: the largest by total, the rest summed as `other`."""
    if len(series) <= MAX_SERIES:
        return series
    ranked = sorted(series.items(), key=lambda kv: -sum(kv[1]))
    kept = dict(ranked[: MAX_SERIES - 1])
    rest = [v for _k, v in ranked[MAX_SERIES - 1 :]]
    kept[other] = [sum(col) for col in zip(*rest, strict=True)]
    return kept


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def bar_chart(
    title: str,
    x_labels: list[str],
    series: dict[str, list[int]],
    y_title: str = "Antal",
    other: str = "Övriga",
) -> str:
    series = limit_series(series, other)
    chart = pygal.StackedBar(
        style=_STYLE,
        width=760,
        height=360,
        js=[],
        disable_xml_declaration=True,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        legend_box_size=14,
        truncate_legend=-1,
        y_title=y_title,
        show_x_guides=False,
        show_y_guides=True,
        print_values=False,
        explicit_size=True,
        title=None,
    )
    chart.x_labels = x_labels
    # Whole numbers on the axis: counts have no 0.1 (pygal's own ticks do for small counts).
    top = max([sum(col) for col in zip(*series.values(), strict=True)] or [0]) or 1
    # A round step (1, 2, 5, 10, 20, 25, 50 …) giving at most about eight ticks.
    step = next(
        m * 10**e
        for e in range(7)
        for m in (1, 2, 2.5, 5)
        if m * 10**e >= top / 8 and m * 10**e >= 1
    )
    step = int(step) if float(step).is_integer() else 1
    chart.y_labels = list(range(0, top + step + 1, step))
    for name, values in series.items():
        chart.add(name, values)
    if not series:
        chart.add("", [0] * len(x_labels))
    # pygal writes a small config <script> even with js=[]; an image needs none.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
