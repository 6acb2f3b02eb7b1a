"""Monthly series with known shapes for the SPC block tests (report year 2025, window
January 2024 – December 2025). Cases are bulk-inserted rows: the tests read counts, and two
hundred cases through the audited create service would make the suite slow."""

from datetime import datetime

from django.utils import timezone

from cases.models import Case
from cases.workflow import workflow_for

# Avdelning A, deviations: 15 months alternating 1, 2, then 9 months of 4 from April 2025.
# Median 2 (the 2s sit on it), an ongoing run of 9 above it: a signal.
SHIFTED = [1, 2] * 7 + [1] + [4] * 9
# Avdelning B, complaints: 3, 1, 2 repeated: crosses the median all the time, no signal.
STABLE = [3, 1, 2] * 8


def months_from(year: int, month: int, n: int = 24):
    first = year * 12 + month - 1
    return [((first + i) // 12, (first + i) % 12 + 1) for i in range(n)]


def plant(unit, kind, values, prefix, start=(2024, 1)):
    tz = timezone.get_default_timezone()
    rows = []
    for (year, month), n in zip(months_from(*start), values, strict=True):
        for k in range(n):
            rows.append(
                Case(
                    kind=kind,
                    reference=f"{prefix}-{year}{month:02d}-{k}",
                    unit=unit,
                    title="SPC-testärende",
                    received_at=timezone.make_aware(datetime(year, month, 1 + k, 23, 30), tz),
                    status=workflow_for(kind).initial,
                )
            )
    Case.objects.bulk_create(rows)
    return len(rows)


def plant_all(org):
    plant(org.units["A1"], "deviation", SHIFTED, "SPCA")
    plant(org.units["B1"], "complaint", STABLE, "SPCB")
