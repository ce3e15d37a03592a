"""Zone lookup by name is total: any string is a zone or "no such zone", never a crash.

Names arrive from URLs and forms (`?tz=`, the viewer's zone); ZoneInfo itself raises
IsADirectoryError for a region ("Europe"), OSError for names too long for the file
system and ValueError for paths, NULs or non-TZif files (issue 12, the probe's tz=Europe).
"""

from __future__ import annotations

import pytest

from booking_app.scheduling import timeutil
from booking_app.services import timefmt

NOT_ZONES = ["", "Europe", "America", "Etc", "posix", "right", "zone.tab", "tzdata.zi",
             "Europe/", "Europe//Kyiv", "../etc/passwd", "/etc/localtime", ".", "..",
             "a" * 65, "a" * 256, "é" * 200, "Europe/" + "x" * 300, "bad\x00name",
             "Mars/Olympus"]  # fmt: skip


@pytest.mark.parametrize("name", NOT_ZONES)
def test_a_name_that_is_no_zone_is_none(name: str) -> None:
    assert timefmt.zone(name) is None
    assert timefmt.zone_or_utc(name) is timefmt.UTC_ZONE


@pytest.mark.parametrize("name", ["Europe/Kyiv", "America/Argentina/ComodRivadavia", "UTC"])
def test_real_zones_are_found(name: str) -> None:
    zone = timefmt.zone(name)
    assert zone is not None and zone.key == name


@pytest.mark.parametrize("name", [n for n in NOT_ZONES if n])
def test_the_engine_refuses_them_with_its_value_error(name: str) -> None:
    """The scheduling core's contract: ValueError for an unknown zone, nothing else."""
    with pytest.raises(ValueError, match="Unknown time zone"):
        timeutil.zone(name)
