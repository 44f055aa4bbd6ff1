"""Third-party packages: pinned npm package names in, verified local files (reveal.js, KaTeX, fonts) out.

Downloaded once from the user's npm registry into the cache, checked against the sha512 pinned in the source.
"""
