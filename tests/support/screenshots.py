"""`make screenshots`: every page of every role, at 1280x800 and 390x844, as PNG files.

Starts the app the way the browser tests do (tests/e2e/conftest.py `run_live_app`: its
own data folder and build, demo data loaded), signs in as each role and saves
`screenshots/<width>x<height>/<role>-<page>.png` (the folder is ignored by git). The pages
are the axe gate's table (`tests/e2e/test_accessibility_browser.PAGES`), so a page added
there is photographed too. Full-page shots: what is below the fold is checked as well.

    make screenshots                                  # all of them
    make screenshots SCREENSHOT_ARGS="--role tutor"   # one role
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from booking_app.config import PROJECT_ROOT
from tests.e2e.conftest import CHROMIUM_ARGS, run_live_app
from tests.e2e.test_accessibility_browser import (
    DESKTOP,
    PAGES,
    PHONE,
    ROLES,
    load_demo,
    password_of,
    sign_in,
    wait_until_rendered,
)
from tests.support import services

OUT = PROJECT_ROOT / "screenshots"


def _file_name(role: str, page_name: str) -> str:
    return f"{role}-{re.sub(r'[^a-z0-9]+', '-', page_name.lower()).strip('-')}.png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=ROLES, action="append", help="only these roles")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    roles = args.role or list(ROLES)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        apps = run_live_app(Path(tmp))
        live_app = next(apps)
        try:
            demo = load_demo(live_app)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=services.CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
                )
                for viewport in (DESKTOP, PHONE):
                    folder = args.out / f"{viewport['width']}x{viewport['height']}"
                    folder.mkdir(parents=True, exist_ok=True)
                    for role in roles:
                        context = browser.new_context(
                            base_url=live_app.url,
                            viewport=viewport,
                            locale="uk-UA",
                            timezone_id="Europe/Kyiv",
                        )
                        context.set_default_timeout(20_000)
                        page = context.new_page()
                        if role != "guest":
                            sign_in(page, demo.logins[role], password_of(role))
                        for entry in (p for p in PAGES if p.role == role):
                            page.goto(entry.path.format(**demo.values))
                            wait_until_rendered(page)
                            target = folder / _file_name(role, entry.name)
                            page.screenshot(path=str(target), full_page=True)
                            print(target.relative_to(PROJECT_ROOT))
                        context.close()
                browser.close()
        finally:
            next(apps, None)  # stop the app (and check it stopped cleanly)
    return 0


if __name__ == "__main__":
    sys.exit(main())
