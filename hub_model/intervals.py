"""Confidence intervals for survey figures, in plain Python (no SciPy at run time).

- A mean's 95% interval uses Student's t distribution with n - 1 degrees of
  freedom: mean ± t(0.975, n - 1) × s / √n, s the sample standard deviation
  (:data:`MEAN_METHOD`). The t quantile is found by bisection on the t
  distribution's cumulative probability, which is the regularised incomplete beta
  function, evaluated by its continued fraction (Lentz's method).
- A share's 95% interval is Wilson's score interval (:data:`SHARE_METHOD`), which
  stays inside 0 to 100% and behaves for small counts and shares near 0 or 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

LEVEL = 0.95
Z = NormalDist().inv_cdf(0.5 + LEVEL / 2)

MEAN_METHOD = (
    "The 95% confidence interval of an average score is the average plus or minus "
    "t × s / √n, where n is the number of carers with a score, s the standard deviation "
    "of their scores and t the 97.5th percentile of Student's t distribution with n − 1 "
    "degrees of freedom."
)
SHARE_METHOD = "The 95% confidence interval of a percentage is Wilson's score interval."


@dataclass(frozen=True)
class Interval:
    value: float
    low: float | None  # None: too few to say (fewer than two values)
    high: float | None

    def holds(self, other: float) -> bool | None:
        """Whether ``other`` lies within the interval (ends included); None if unknown."""
        if self.low is None or self.high is None:
            return None
        return self.low <= other <= self.high


def _continued_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 400):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), for 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, freedom: float) -> float:
    """P(T <= t) for Student's t with ``freedom`` degrees of freedom."""
    tail = 0.5 * incomplete_beta(freedom / 2.0, 0.5, freedom / (freedom + t * t))
    return 1.0 - tail if t > 0 else tail


@cache
def t_quantile(probability: float, freedom: int) -> float:
    """The ``probability`` quantile of Student's t (0.5 < probability < 1)."""
    if not 0.5 < probability < 1.0 or freedom < 1:
        raise ValueError("needs 0.5 < probability < 1 and at least one degree of freedom")
    low, high = 0.0, 1.0
    while t_cdf(high, freedom) < probability:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if t_cdf(middle, freedom) < probability:
            low = middle
        else:
            high = middle
        if high - low < 1e-13 * max(1.0, high):
            break
    return (low + high) / 2.0


def mean_interval(count: int, mean: float, deviation: float) -> Interval:
    """The 95% interval of a mean of ``count`` values with sample standard deviation
    ``deviation`` (:data:`MEAN_METHOD`)."""
    if count < 2:
        return Interval(mean, None, None)
    half = t_quantile(0.5 + LEVEL / 2, count - 1) * deviation / math.sqrt(count)
    return Interval(mean, mean - half, mean + half)


def share_interval(chosen: int, base: int) -> Interval:
    """Wilson's 95% interval of the share ``chosen`` / ``base`` (0 to 1)."""
    if base <= 0:
        raise ValueError("a share needs a base of at least one")
    share = chosen / base
    z2 = Z * Z
    centre = (share + z2 / (2 * base)) / (1 + z2 / base)
    half = Z * math.sqrt(share * (1 - share) / base + z2 / (4 * base * base)) / (1 + z2 / base)
    return Interval(share, max(0.0, centre - half), min(1.0, centre + half))
