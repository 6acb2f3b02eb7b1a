"""Charts as SVG strings (pygal), embedded as data-URI images: the same markup works in the
browser under a strict CSP (no inline script or style in our page) and in WeasyPrint."""

import base64
import re

import pygal
from pygal.style import Style

_STYLE = Style(
    font_family="DejaVu Sans, sans-serif",
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=(
        "#1f4e79",
        "#c55a11",
        "#548235",
        "#7030a0",
        "#bf9000",
        "#2e75b6",
        "#a5a5a5",
        "#843c0c",
        "#385723",
        "#ff6f61",
    ),
    title_font_size=14,
    label_font_size=11,
    legend_font_size=11,
    major_label_font_size=11,
)


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def bar_chart(title: str, x_labels: list[str], series: dict[str, list[int]]) -> str:
    chart = pygal.StackedBar(
        style=_STYLE,
        width=760,
        height=360,
        js=[],
        disable_xml_declaration=True,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
        explicit_size=True,
        title=None,
    )
    chart.x_labels = x_labels
    for name, values in series.items():
        chart.add(name, values)
    if not series:
        chart.add("", [0] * len(x_labels))
    # pygal writes a small config <script> even with js=[]; an image needs none.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
