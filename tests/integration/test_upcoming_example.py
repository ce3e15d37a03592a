from datetime import timedelta

from docs.examples.upcoming import UpcomingState
from tests.support import clock
from tests.support.builders import add_lesson, add_tutor
from tests.support.states import open_page


def test_the_upcoming_page(sqlite_db: str) -> None:
    tutor = add_tutor()
    add_lesson(tutor, clock.now() + timedelta(days=1))
    tab, _ = open_page("/tutor/upcoming", user=(tutor, "tutor"))
    assert len(tab.state(UpcomingState).labels) == 1
