"""The browser: a planned site in, pictures of first slides and PDFs out, made by the system Chromium.

Serves the site on loopback to headless Chromium through Playwright; results are cached by content.
"""
