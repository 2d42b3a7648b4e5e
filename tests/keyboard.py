"""Keyboard-only driving for browser journeys (issue 14 §11, DESIGN §11): Tab to a control — every stop must show
a visible focus indicator — then Enter, Space, arrow keys or typing. No clicks."""

from __future__ import annotations

from typing import Any

MAX_TABS = 120

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "none";
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== "none";
  return outline || ring ? "visible" : `invisible: ${el.tagName} ${el.className}`;
}"""


def focus_is_visible(page: Any) -> None:
    state = page.evaluate(FOCUS_STYLE)
    # "none": the focus left the document (past the last control, to the browser's own controls)
    assert state in ("visible", "none"), f"focus not visible on {page.url}: {state}"


def tab_to(page: Any, locator: Any, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``locator`` has the focus, checking that every stop shows its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    target = locator.first
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            focus_is_visible(page)
            return
        focus_is_visible(page)
    raise AssertionError(f"{locator} not reached with {key} in {MAX_TABS} presses on {page.url}")


def activate(journey: Any, locator: Any, *, key: str = "Enter", navigates: bool = True) -> None:
    """Tab to ``locator`` and press ``key``; follow the navigation (and run axe) when it navigates."""
    tab_to(journey.page, locator)
    if navigates:
        journey.follow(lambda: journey.page.keyboard.press(key))
    else:
        journey.page.keyboard.press(key)


def type_into(page: Any, locator: Any, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
