"""The SPC rules (reports/spc.py) against published worked examples. Pure Python: no database."""

import pytest

from reports import spc

# Anhøj J, Olesen AV. Run charts revisited: a simulation study of run chart rules for
# detection of non-random variation in health care processes. PLOS ONE 2014;9(11):e113825,
# Table 1: n useful observations → upper limit for the longest run, lower limit for the
# number of crossings.
ANHOEJ_TABLE_1 = {
    10: (6, 2),
    11: (6, 2),
    12: (7, 3),
    13: (7, 3),
    14: (7, 4),
    15: (7, 4),
    16: (7, 4),
    17: (7, 5),
    18: (7, 5),
    19: (7, 6),
    20: (7, 6),
    21: (7, 6),
    22: (7, 7),
    23: (8, 7),
    24: (8, 8),
    25: (8, 8),
    26: (8, 8),
    27: (8, 9),
    28: (8, 9),
    29: (8, 10),
    30: (8, 10),
    31: (8, 11),
    32: (8, 11),
    33: (8, 11),
    34: (8, 12),
    35: (8, 12),
    36: (8, 13),
    37: (8, 13),
    38: (8, 14),
    39: (8, 14),
    40: (8, 14),
}


@pytest.mark.parametrize("n", sorted(ANHOEJ_TABLE_1))
def test_anhoej_limits_match_the_published_table(n):
    assert (spc.longest_run_limit(n), spc.crossings_limit(n)) == ANHOEJ_TABLE_1[n]


def test_points_on_the_median_neither_break_nor_make_a_run():
    # median 5: the three 5s are skipped, so 6, 6, (5), 7, (5), 8 is one run of four above.
    values = [1, 2, 3, 6, 6, 5, 7, 5, 8, 5, 1]
    rc = spc.run_chart(values)
    assert rc.median == 5
    assert rc.useful == 8
    assert rc.longest_run.length == 4 and rc.longest_run.side == 1
    assert (rc.longest_run.start, rc.longest_run.end) == (3, 8)
    assert rc.crossings == 2


# Montgomery DC. Introduction to Statistical Quality Control, 6th ed. (Wiley 2009),
# Example 7.3: nonconformities in 26 successive samples of 100 printed circuit boards.
# c̄ = 516/26 = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 plot outside.
MONTGOMERY_7_3 = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16,
                  19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]  # fmt: skip


def test_c_chart_against_montgomery_example_7_3():
    chart = spc.c_chart(MONTGOMERY_7_3)
    assert round(chart.centre, 2) == 19.85
    # The book rounds c̄ to 19.85 before the limits; unrounded they differ in the 2nd decimal.
    assert chart.upper[0] == pytest.approx(33.22, abs=0.01)
    assert chart.lower[0] == pytest.approx(6.48, abs=0.01)
    assert [i + 1 for i in chart.outside] == [6, 20]


def test_c_chart_lower_limit_clipped_at_zero():
    chart = spc.c_chart([1, 0, 2, 1, 0, 1])
    assert chart.lower[0] == 0.0
    assert round(chart.upper[0], 2) == round(5 / 6 + 3 * (5 / 6) ** 0.5, 2)


# Montgomery, Example 7.4: nonconformities in 20 samples of five personal computers.
# ū = 193/100 = 1.93, UCL = 3.79, LCL = 0.07; the process is in control.
MONTGOMERY_7_4 = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def test_u_chart_against_montgomery_example_7_4():
    chart = spc.u_chart(MONTGOMERY_7_4, [5] * 20)
    assert round(chart.centre, 2) == 1.93
    assert round(chart.upper[0], 2) == 3.79
    assert round(chart.lower[0], 2) == 0.07
    assert chart.outside == []


def test_u_chart_limits_widen_for_small_denominators():
    chart = spc.u_chart([2, 10], [1, 10])
    assert chart.upper[0] > chart.upper[1]
    with pytest.raises(ValueError):
        spc.u_chart([1], [0])


def test_planted_shift_gives_a_run_signal():
    # 15 months around 4, then 9 months around 8: an ongoing run above the median.
    stable = [4, 3, 5, 4, 4, 3, 5, 4, 3, 5, 4, 4, 5, 3, 4]
    shifted = stable + [8, 7, 9, 8, 8, 9, 7, 8, 8]
    found = spc.signals(shifted)
    # Latest first: the ongoing run above the median, then the long one below before it.
    runs = [s for s in found if s.kind == "run"]
    assert (runs[0].direction, runs[0].ongoing, runs[0].start, runs[0].length) == (1, True, 15, 9)
    assert runs[1].direction == -1 and not runs[1].ongoing


def test_stable_series_gives_no_signal():
    # A series that crosses its median often and stays within 3 sigma: noise.
    stable = [5, 3, 6, 4, 7, 4, 5, 3, 6, 5, 4, 6, 3, 5, 7, 4, 6, 3, 5, 4, 6, 5, 3, 6]
    assert spc.signals(stable) == []
    rc = spc.run_chart(stable)
    assert not rc.long_run and not rc.few_crossings


def test_too_short_series_gives_no_signal():
    assert spc.signals([1, 1, 1, 9, 9, 9, 9, 9, 9]) == []


def test_few_crossings_signal():
    # 12 useful points, one crossing (limit 3): the process has shifted once.
    values = [1, 2, 1, 2, 1, 2, 9, 8, 9, 8, 9, 8]
    kinds = {s.kind for s in spc.signals(values)}
    assert "crossings" in kinds
