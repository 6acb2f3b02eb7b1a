"""The SPC chart as a hand-written SVG: the monthly line, its median (run chart), the c-chart's
mean and 3-sigma limits, and the points behind a signal marked by shape as well as colour.
<title> and <desc> make it readable to a screen reader; the block prints the same numbers in
a table as the text alternative. No script, no external font: it works as a data-URI image
under the page's CSP and in WeasyPrint."""

from xml.sax.saxutils import escape

WIDTH, HEIGHT = 760, 330
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 92
INK, DATA, SIGNAL, GRID, LIMIT = "#222222", "#1f4e79", "#c55a11", "#d9d9d9", "#7f7f7f"


def _nice_max(value: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return step * 5 if value > 0 else 5
    return int(value) + 1


def spc_svg(
    *,
    title: str,
    desc: str,
    labels: list[str],
    values: list[int],
    median: float,
    centre: float,
    upper: float,
    lower: float,
    marked: set[int],
    y_label: str,
    legend: dict[str, str],
) -> str:
    """`marked`: indexes of points behind a signal. `legend`: texts for "data", "median",
    "mean", "limits" and "signal" (translated by the caller)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_max(max([*values, upper, 1]))
    n = max(len(values), 1)

    def x(i: int) -> float:
        return LEFT + (i + 0.5) * plot_w / n

    def y(v: float) -> float:
        return TOP + plot_h - v / top * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="t d" '
        'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
    ]
    # Gridlines and y ticks first, so the data is drawn over them.
    for k in range(6):
        v = top * k / 5
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{v:g}</text>"
        )
    out.append(
        f'<text transform="translate(16 {TOP + plot_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}">{escape(y_label)}</text>'
    )
    step = 1 if n <= 12 else 3
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            out.append(
                f'<text transform="translate({x(i):.1f} {TOP + plot_h + 14}) rotate(-45)" '
                f'text-anchor="end" fill="{INK}">{escape(label)}</text>'
            )
    x0, x1 = LEFT, WIDTH - RIGHT
    for value, style in (
        (upper, f'stroke="{LIMIT}" stroke-dasharray="2 3"'),
        (lower, f'stroke="{LIMIT}" stroke-dasharray="2 3"'),
        (centre, f'stroke="{LIMIT}"'),
        (median, f'stroke="{INK}" stroke-dasharray="8 4"'),
    ):
        out.append(
            f'<line x1="{x0}" x2="{x1}" y1="{y(value):.1f}" y2="{y(value):.1f}" {style} '
            'stroke-width="1.5"/>'
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    out.append(f'<polyline points="{points}" fill="none" stroke="{DATA}" stroke-width="2"/>')
    for i, v in enumerate(values):
        if i in marked:
            # A signal point is a larger square, not only another colour.
            out.append(
                f'<rect x="{x(i) - 5:.1f}" y="{y(v) - 5:.1f}" width="10" height="10" '
                f'fill="{SIGNAL}"/>'
            )
        else:
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{DATA}"/>')
    ly = HEIGHT - 14
    items = [
        (f'<line x1="0" x2="22" y1="0" y2="0" stroke="{DATA}" stroke-width="2"/>', "data"),
        (f'<line x1="0" x2="22" y1="0" y2="0" stroke="{INK}" stroke-dasharray="8 4"/>', "median"),
        (f'<line x1="0" x2="22" y1="0" y2="0" stroke="{LIMIT}"/>', "mean"),
        (f'<line x1="0" x2="22" y1="0" y2="0" stroke="{LIMIT}" stroke-dasharray="2 3"/>', "limits"),
        (f'<rect x="6" y="-5" width="10" height="10" fill="{SIGNAL}"/>', "signal"),
    ]
    lx = LEFT
    for mark, key in items:
        text = legend.get(key, "")
        out.append(
            f'<g transform="translate({lx} {ly})">{mark}'
            f'<text x="28" y="4" fill="{INK}">{escape(text)}</text></g>'
        )
        lx += 40 + 7 * len(text)
    out.append("</svg>")
    return "".join(out)
