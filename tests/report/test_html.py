"""The report's index.html as a person sees it: rendered by headless Chromium (Debian's
package, driven by Playwright), every image loaded, every in-page link resolved, no console
errors, the figure search working, usable at phone width, screenshots kept as artifacts
(in $SSBATTERY_ARTIFACTS when CI sets it)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ssbattery.report import reproduce

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FIGURES = ("table1_electrolytes", "fig9_landau_negative_capacitance", "fig_eis_nyquist_fit")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}  # CSS pixels of a small phone


def _artifacts(tmp_path: Path) -> Path:
    out = Path(os.environ.get("SSBATTERY_ARTIFACTS", tmp_path / "artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str]]]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium is not installed ({CHROMIUM} missing; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    tmp = tmp_path_factory.mktemp("browser")
    result = reproduce(tmp / "report", only=FIGURES, show_progress=False)
    assert not result.failed
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp / "profile"),  # a fresh user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(result.index.resolve().as_uri(), wait_until="load")
        yield page, problems
        context.close()


@pytest.mark.slow
def test_every_image_loads_and_no_console_errors(
    browser_page: tuple[Any, list[str]], tmp_path: Path
) -> None:
    page, problems = browser_page
    images = page.eval_on_selector_all(
        "img", "els => els.map(i => [i.alt, i.complete && i.naturalWidth > 0, i.naturalWidth])"
    )
    assert len(images) >= len(FIGURES)
    assert all(ok for _, ok, _ in images), [alt for alt, ok, _ in images if not ok]
    assert all(width >= 300 for _, _, width in images)  # a real figure, not a broken icon
    page.screenshot(path=str(_artifacts(tmp_path) / "report-desktop.png"), full_page=True)
    assert problems == []


@pytest.mark.slow
def test_every_in_page_link_resolves(browser_page: tuple[Any, list[str]]) -> None:
    page, _ = browser_page
    targets = page.eval_on_selector_all(
        "a[href^='#']",
        "els => els.map(a => [a.getAttribute('href'), "
        "document.getElementById(a.getAttribute('href').slice(1)) !== null])",
    )
    figure_links = {href for href, _ in targets if href[1:] in FIGURES}
    assert figure_links == {f"#{k}" for k in FIGURES}  # the contents list every figure
    assert any(href == "#part-cell" for href, _ in targets)  # and every part
    assert all(ok for _, ok in targets), [href for href, ok in targets if not ok]
    page.click("a[href='#fig9_landau_negative_capacitance']")
    assert page.evaluate("location.hash") == "#fig9_landau_negative_capacitance"
    top = page.eval_on_selector(
        "#fig9_landau_negative_capacitance", "e => e.getBoundingClientRect().top"
    )
    assert abs(top) < 5  # scrolled to the figure


@pytest.mark.slow
def test_figure_search_filters_figures_and_contents(browser_page: tuple[Any, list[str]]) -> None:
    page, problems = browser_page
    page.fill("#figure-search", "landau")
    visible = page.eval_on_selector_all(
        "article.figure", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
    )
    assert visible == ["fig9_landau_negative_capacitance"]
    assert page.is_hidden("nav li[data-key='table1_electrolytes']")
    assert page.is_hidden("#part-electrolytes")  # a part with no match is hidden
    assert page.text_content("#search-count") == f"1 of {len(FIGURES)} figures match"
    page.fill("#figure-search", "")
    assert page.eval_on_selector_all(
        "article.figure", "els => els.filter(e => e.offsetParent !== null).length"
    ) == len(FIGURES)
    assert problems == []


@pytest.mark.slow
def test_each_figure_shows_parameters_and_run_time(browser_page: tuple[Any, list[str]]) -> None:
    page, _ = browser_page
    for key in FIGURES:
        text = page.text_content(f"#{key}") or ""
        assert "Run time" in text and " s · key" in text, key
        assert "Parameters" in text, key


@pytest.mark.slow
def test_usable_at_phone_width(browser_page: tuple[Any, list[str]], tmp_path: Path) -> None:
    page, problems = browser_page
    page.set_viewport_size(PHONE)
    page.goto(page.url.split("#")[0])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways: {width} px > {PHONE['width']} px"
    widest = page.eval_on_selector_all(
        "img", "els => Math.max(...els.map(i => i.getBoundingClientRect().width))"
    )
    assert widest <= PHONE["width"]
    assert page.is_visible("#figure-search")
    box = page.eval_on_selector("#figure-search", "e => e.getBoundingClientRect().width")
    assert box >= 200  # wide enough to type in
    font = page.eval_on_selector("body", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 14  # the viewport tag keeps text readable (no desktop-width zoom-out)
    page.screenshot(path=str(_artifacts(tmp_path) / "report-phone.png"), full_page=False)
    assert problems == []


def test_each_figure_links_its_files_and_every_link_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page listed each figure's PNG/SVG/CSV as plain names: nothing to click. Each is
    now a link relative to the page, and every link (in-page or to a file) resolves."""
    import re
    from urllib.parse import unquote

    from ssbattery.report.registry import Artifact, FigureSpec, write_csv

    def build(out: Path) -> Artifact:
        table = write_csv(out / "a b&c.csv", ["x"], [[1]])  # a name that needs quoting
        return Artifact(tables=(table,), summary="one table")

    monkeypatch.setattr(
        "ssbattery.report.runner.all_figures", lambda: [FigureSpec("t", "T", "test", build)]
    )
    result = reproduce(tmp_path / "report", show_progress=False)
    page = result.index.read_text(encoding="utf-8")
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', page)]
    files = [unquote(h) for h in hrefs if not h.startswith("#")]
    assert files == ["a b&c.csv"]
    assert all((result.out_dir / f).is_file() for f in files)
    ids = set(re.findall(r'id="([^"]*)"', page))
    assert all(h[1:] in ids for h in hrefs if h.startswith("#"))
