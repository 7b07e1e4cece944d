"""The WCAG checker itself must catch violations, or a clean report means nothing."""

import pytest

from tests.browser.accessibility import axe_violations

pytestmark = pytest.mark.browser


def test_the_accessibility_checker_catches_violations(page):
    page.set_content(
        "<html lang='en'><head><title>x</title></head><body><main><h1>x</h1>"
        "<img src='a.png'><input type='text'></main></body></html>"
    )
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "label" in found
