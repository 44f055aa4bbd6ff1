"""Pictures of each deck's first slide for the index, shot in Chromium (browser_pass keeps them in the cache)."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 640, 360
SUFFIX = ".jpg"
QUALITY = 85
SHOT_TIMEOUT_MS = 20_000
# Reveal.js reads options from the query: no transitions to wait for, no controls in the picture.
_SHOT_QUERY = "?controls=false&progress=false&slideNumber=false&transition=none&backgroundTransition=none"
_SETTLE_JS = """async () => {
  const pending = [];
  const slide = Reveal.getCurrentSlide();
  const wait = el => new Promise(done => { el.addEventListener('load', done); el.addEventListener('error', done); });
  for (const img of slide ? slide.querySelectorAll('img') : []) {
    if (!img.complete) pending.push(wait(img));
  }
  const background = document.querySelector('.backgrounds .slide-background.present .slide-background-content');
  const url = background && /url\\("?(.*?)"?\\)/.exec(getComputedStyle(background).backgroundImage);
  if (url) { const img = new Image(); img.src = url[1]; if (!img.complete) pending.push(wait(img)); }
  await Promise.race([Promise.all(pending), new Promise(done => setTimeout(done, 5000))]);
  await document.fonts.ready;
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
}"""
# Only the first slide is shown: before reveal.js starts, the others leave the page (a 2000-slide deck is shot
# as fast as a one-slide one). A template that does not call Reveal.initialize from a global keeps every slide.
_FIRST_SLIDE_ONLY = """(() => {
  let reveal;
  Object.defineProperty(window, 'Reveal', { configurable: true, enumerable: true, get() { return reveal; },
    set(value) {
      reveal = value;
      const initialize = value && value.initialize;
      if (typeof initialize !== 'function') return;
      value.initialize = function (...args) {
        let kept = false;
        for (const section of document.querySelectorAll('.reveal .slides > section')) {
          if (!kept && section.getAttribute('data-visibility') !== 'hidden') { kept = true; continue; }
          section.remove();
        }
        return initialize.apply(this, args);
      };
    } });
})();"""
def picture_path(name: str) -> str:
    """The site path of a deck's thumbnail."""
    return f"{name}/thumbnail{SUFFIX}"


async def new_context(browser: Any) -> Any:
    """A browser context for pictures, the size of a card; its pages share one HTTP cache."""
    return await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)


async def shoot(page: Any, base_url: str, name: str) -> bytes:
    """Take the picture of a deck's first slide, once reveal.js is ready and its images and fonts are in."""
    await page.goto(f"{base_url}{name}/index.html{_SHOT_QUERY}#/0", wait_until="load")
    await page.wait_for_function("window.Reveal && Reveal.isReady()")
    await page.evaluate(_SETTLE_JS)
    return await page.screenshot(type="jpeg", quality=QUALITY)


async def shoot_all(browser: Any, base_url: str, names: list[str], *, parallel: int) -> dict[str, bytes | Exception]:
    """Pictures of several decks: a few pages of one context (one HTTP cache) each take deck after deck."""
    import asyncio  # loaded with the browser, not with the module (a build without one imports this)

    results: dict[str, bytes | Exception] = {}
    if not names:
        return results
    context = await new_context(browser)
    await context.add_init_script(_FIRST_SLIDE_ONLY)
    todo = list(reversed(names))

    async def worker() -> None:
        page = None
        while todo:
            name = todo.pop()
            try:
                if page is None:
                    page = await context.new_page()
                    page.set_default_timeout(SHOT_TIMEOUT_MS)
                results[name] = await shoot(page, base_url, name)
            except Exception as exc:  # noqa: BLE001 - reported per deck by the caller
                results[name] = exc
                if page is not None:
                    await page.close()
                page = None

    try:
        await asyncio.gather(*(worker() for _ in range(min(parallel, len(names)))))
    finally:
        await context.close()
    return results
