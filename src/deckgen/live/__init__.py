"""The live preview: file changes in, rebuilt decks and in-place slide updates pushed to open pages out.

A watchdog watcher, an incremental site, and the dev server with its LiveReload push channel.
"""
