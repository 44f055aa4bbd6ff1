"""The CLI verbs: each a thin function over the stages (build, serve, pdf, deploy, init).

Arguments in, files written and a summary out; errors are raised as DeckgenError for the CLI to print.
"""
