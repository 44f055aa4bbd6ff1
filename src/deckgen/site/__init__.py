"""The site: a project folder in, the planned files of build/ (deck pages, index, copied files) out.

Finds and parses every deck, resolves local files, renders templates, writes the site aside and swaps it in.
"""
