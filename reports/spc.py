"""Statistical process control for monthly case counts (NHS England, *Making Data Count*).

Pure Python, no Django: a list of numbers in, plain results out, so the rules are tested
against published worked examples alone.

- Run chart with Anhøj's rules (Anhøj & Olesen 2014, PLOS ONE 9(11): e113825, "Run charts
  revisited"): a signal when the longest run on one side of the median is longer than
  round(log2(n) + 3), or when the line crosses the median fewer times than the lower 5 %
  limit of the binomial distribution with n − 1 trials and p = 0.5. n counts the useful
  observations: points on the median neither break nor make a run and are left out.
- c-chart for counts: CL = mean, limits CL ± 3·√CL, the lower one clipped at 0.
- u-chart for rates with a denominator: CL = Σc / Σn, limits CL ± 3·√(CL / n_i) per point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def longest_run_limit(n: int) -> int:
    """A run longer than this is a signal. round() half up, as in the paper's table."""
    return math.floor(math.log2(n) + 3 + 0.5)


def crossings_limit(n: int) -> int:
    """Fewer crossings than this is a signal: the lower 5 % quantile of Binomial(n − 1, 0.5)
    (R's qbinom(0.05, n - 1, 0.5): the smallest x with P(X ≤ x) ≥ 0.05)."""
    trials = n - 1
    total = 2**trials
    cumulative = 0
    for x in range(trials + 1):
        cumulative += math.comb(trials, x)
        if cumulative / total >= 0.05:
            return x
    return trials


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of an empty series")
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


@dataclass(frozen=True)
class Run:
    side: int  # +1 above the median, −1 below
    start: int  # index of the first point of the run in the series
    end: int  # index of its last point (points on the median inside it are skipped)
    length: int  # useful points in the run


@dataclass(frozen=True)
class RunChart:
    values: list[float]
    median: float
    useful: int  # observations not on the median
    longest_run: Run | None
    crossings: int
    run_limit: int
    crossing_limit: int
    runs: list[Run] = field(default_factory=list)

    @property
    def long_run(self) -> bool:
        return self.longest_run is not None and self.longest_run.length > self.run_limit

    @property
    def few_crossings(self) -> bool:
        return self.useful >= 2 and self.crossings < self.crossing_limit

    @property
    def signal(self) -> bool:
        return self.long_run or self.few_crossings

    @property
    def last_run(self) -> Run | None:
        return self.runs[-1] if self.runs else None


MIN_POINTS = 10  # Anhøj's rules are not meant for shorter series (the paper's table starts at 10)


def run_chart(values: list[float], centre: float | None = None) -> RunChart:
    """Anhøj's run chart analysis of `values` around their median (or `centre`)."""
    m = median(values) if centre is None else centre
    runs: list[Run] = []
    for i, v in enumerate(values):
        if v == m:
            continue  # on the median: neither breaks nor makes a run
        side = 1 if v > m else -1
        if runs and runs[-1].side == side:
            last = runs[-1]
            runs[-1] = Run(side, last.start, i, last.length + 1)
        else:
            runs.append(Run(side, i, i, 1))
    useful = sum(r.length for r in runs)
    longest = max(runs, key=lambda r: (r.length, r.start)) if runs else None
    return RunChart(
        values=list(values),
        median=m,
        useful=useful,
        longest_run=longest,
        crossings=max(len(runs) - 1, 0),
        run_limit=longest_run_limit(useful) if useful else 0,
        crossing_limit=crossings_limit(useful) if useful >= 2 else 0,
        runs=runs,
    )


@dataclass(frozen=True)
class ControlChart:
    values: list[float]
    centre: float
    upper: list[float]
    lower: list[float]

    @property
    def outside(self) -> list[int]:
        """Indexes of points beyond the 3-sigma limits."""
        return [i for i, v in enumerate(self.values) if v > self.upper[i] or v < self.lower[i]]


def c_chart(counts: list[float]) -> ControlChart:
    """Counts of events in equal areas of opportunity (one month, one unit)."""
    if not counts:
        raise ValueError("c-chart of an empty series")
    cl = sum(counts) / len(counts)
    sigma = 3 * math.sqrt(cl)
    return ControlChart(
        values=list(counts),
        centre=cl,
        upper=[cl + sigma] * len(counts),
        lower=[max(cl - sigma, 0.0)] * len(counts),
    )


def u_chart(counts: list[float], sizes: list[float]) -> ControlChart:
    """Rates per unit of `sizes` (cases per 1 000 brukare: sizes in thousands)."""
    if not counts or len(counts) != len(sizes) or any(s <= 0 for s in sizes):
        raise ValueError("u-chart needs one positive size per count")
    cl = sum(counts) / sum(sizes)
    rates = [c / s for c, s in zip(counts, sizes, strict=True)]
    upper = [cl + 3 * math.sqrt(cl / s) for s in sizes]
    lower = [max(cl - 3 * math.sqrt(cl / s), 0.0) for s in sizes]
    return ControlChart(values=rates, centre=cl, upper=upper, lower=lower)


@dataclass(frozen=True)
class Signal:
    """One finding a reader should know about, in plain terms for the sentence."""

    kind: str  # "run", "crossings", "outside"
    direction: int  # +1 increase, −1 decrease, 0 neither
    start: int  # index of the first point concerned
    end: int  # index of the last one
    length: int  # useful points concerned (points on the median not counted)
    ongoing: bool  # does it reach the last point?


KIND_ORDER = ("run", "outside", "crossings")  # the plainest sentence first


def signals(values: list[float], min_centre: float = 1.0) -> list[Signal]:
    """Run-chart signals and c-chart points outside the limits, latest first. Fewer useful
    points than MIN_POINTS give no run signals: too little to tell a signal from noise. The
    c-chart is used only when the mean is at least `min_centre`: for rarer events its
    Poisson limits flag almost any month with two or three cases."""
    if len(values) < MIN_POINTS:
        return []
    found: list[Signal] = []
    rc = run_chart(values)
    run_rules = rc.useful >= MIN_POINTS
    # Every run beyond the limit, not only the longest: a shift that has ended and the one
    # going on now both deserve a sentence.
    for run in rc.runs if run_rules else []:
        if run.length > rc.run_limit:
            last = len(values) - 1
            found.append(Signal("run", run.side, run.start, run.end, run.length, run.end == last))
    if run_rules and rc.few_crossings:
        found.append(Signal("crossings", 0, 0, len(values) - 1, rc.useful, True))
    cc = c_chart(values)
    for i in cc.outside if cc.centre >= min_centre else []:
        found.append(
            Signal("outside", 1 if values[i] > cc.centre else -1, i, i, 1, i == len(values) - 1)
        )
    found.sort(key=lambda s: (-s.end, KIND_ORDER.index(s.kind)))
    return found
