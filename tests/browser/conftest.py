"""Every browser test fails on a Content-Security-Policy violation: a page that needs an
inline script or style, eval or another origin would be broken for real users."""

import pytest


@pytest.fixture(autouse=True)
def _fail_on_csp_violations(request, monkeypatch):
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations: list[str] = []
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return context

    # pytest-playwright's page and context fixtures and the tests' own contexts all come here.
    monkeypatch.setattr(browser, "new_context", watched_new_context)
    yield violations
    assert not violations, "\n".join(violations)
