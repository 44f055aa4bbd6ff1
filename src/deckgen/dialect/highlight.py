"""Code colours at build time: Pygments reads the code, and each token becomes the highlight.js class that token
has in highlight.js's own output, so every highlight.js theme (monokai, zenburn, github, ...) colours it as before
while the page loads no highlighter. A language Pygments does not know is left to highlight.js in the page.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

# Pygments token types (most specific first when looked up) -> highlight.js classes.
_CLASSES: dict[tuple[str, ...], str] = {
    ("Keyword", "Constant"): "hljs-literal",
    ("Keyword", "Type"): "hljs-type",
    ("Keyword", "Namespace"): "hljs-keyword",
    ("Keyword",): "hljs-keyword",
    ("Name", "Builtin", "Pseudo"): "hljs-variable language_",
    ("Name", "Builtin"): "hljs-built_in",
    ("Name", "Function", "Magic"): "hljs-built_in",
    ("Name", "Function"): "hljs-title function_",
    ("Name", "Class"): "hljs-title class_",
    ("Name", "Decorator"): "hljs-meta",
    ("Name", "Tag"): "hljs-name",
    ("Name", "Attribute"): "hljs-attr",
    ("Name", "Exception"): "hljs-title class_",
    ("Name", "Constant"): "hljs-variable constant_",
    ("Name", "Variable"): "hljs-variable",
    ("Name", "Label"): "hljs-symbol",
    ("Name", "Entity"): "hljs-symbol",
    ("Literal", "String", "Doc"): "hljs-string",
    ("Literal", "String", "Regex"): "hljs-regexp",
    ("Literal", "String", "Escape"): "hljs-char escape_",
    ("Literal", "String", "Interpol"): "hljs-subst",
    ("Literal", "String", "Affix"): "hljs-string",
    ("Literal", "String"): "hljs-string",
    ("Literal", "Number"): "hljs-number",
    ("Literal",): "hljs-literal",
    ("Operator", "Word"): "hljs-keyword",
    ("Operator",): "hljs-operator",
    ("Comment", "Preproc"): "hljs-meta",
    ("Comment", "PreprocFile"): "hljs-string",
    ("Comment", "Special"): "hljs-doctag",
    ("Comment",): "hljs-comment",
    ("Generic", "Deleted"): "hljs-deletion",
    ("Generic", "Inserted"): "hljs-addition",
    ("Generic", "Heading"): "hljs-section",
    ("Generic", "Subheading"): "hljs-section",
    ("Generic", "Emph"): "hljs-emphasis",
    ("Generic", "Strong"): "hljs-strong",
    ("Generic", "Prompt"): "hljs-meta",
}
# Names highlight.js knows that Pygments spells differently.
_ALIASES = {"js": "javascript", "ts": "typescript", "sh": "bash", "shell": "bash", "zsh": "bash", "py": "python",
            "rs": "rust", "yml": "yaml", "md": "markdown", "html": "html", "xml": "xml", "plaintext": "text",
            "txt": "text", "console": "console", "jsx": "jsx", "tsx": "tsx", "c++": "cpp", "golang": "go"}


@lru_cache(maxsize=128)
def _lexer(language: str) -> Any | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    name = _ALIASES.get(language.lower(), language.lower())
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False, tabsize=0)
    except ClassNotFound:
        return None


@lru_cache(maxsize=512)
def _class_of(token_type: Any) -> str | None:
    parts = tuple(token_type)
    while parts:
        if parts in _CLASSES:
            return _CLASSES[parts]
        parts = parts[:-1]
    return None


def highlight(code: str, language: str) -> str | None:
    """The code as highlight.js-classed HTML (escaped once), or None when Pygments has no lexer for language."""
    lexer = _lexer(language) if language else None
    if lexer is None or lexer.name == "Text only":
        return None
    from pygments import lex

    runs: list[list[Any]] = []  # [class, text]: neighbouring tokens of one class share a span
    for token_type, text in lex(code, lexer):
        css = _class_of(token_type) if text.strip() else None
        if runs and runs[-1][0] == css:
            runs[-1][1] += text
        else:
            runs.append([css, text])
    result = "".join(f'<span class="{css}">{html.escape(text, quote=False)}</span>' if css
                     else html.escape(text, quote=False) for css, text in runs)
    return result[:-1] if result.endswith("\n") and not code.endswith("\n") else result
