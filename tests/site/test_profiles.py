"""Profiles: variants of the decks built from one source, hidden slides and elements left out of the HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from projects import PNG, make_project, slides_of, snapshot

from deckgen.commands.build import build
from deckgen.errors import DeckgenError

CONFIG = """\
title: Talks
profiles:
  public:
    hide: [todo, preparation, local]
    fragments: false
  print:
    hide: [todo, preparation, local, backup]
    fragments: false
    theme: white
    revealOptions:
      controls: false
"""

DECK = """\
---
title: A talk
incremental: true
profiles:
  print:
    titleSlide: true
---

# Intro

- one
- two

<span class="local">Say hello to the local crowd</span>

---

<!-- .slide: class="todo" -->

## TODO: finish this slide

![draft](draft.png)

---

## Steps

```python [1|2-3]
a = 1
b = 2
c = 3
```

Appears later <!-- .element: class="fragment" data-fragment-index="2" -->

--

<!-- .slide: class="preparation" -->

## Preparation

Nothing else.

<p class="local">A local remark in a paragraph</p>

---

<!-- .slide: class="preparation" -->

## Stack, all hidden

--

<!-- .slide: class="backup" -->

## Backup slide

Note: speaker notes <span class="local">with a local remark</span> stay otherwise.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {"deckgen.yml": CONFIG, "slides/talk.md": DECK, "slides/draft.png": PNG})


def page(out: Path) -> str:
    return (out / "talk" / "index.html").read_text(encoding="utf-8")


def test_without_a_profile_every_slide_and_fragment_is_kept(project: Path, tmp_path: Path) -> None:
    result = build(project, tmp_path / "out")
    html = page(tmp_path / "out")
    assert [len(stack) for stack in result.decks[0].stacks] == [1, 1, 2, 2]
    assert "TODO: finish this slide" in html and "Say hello to the local crowd" in html
    assert html.count('class="fragment"') >= 3 and 'data-line-numbers="1|2-3"' in html
    assert "profile" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8").split("<footer>")[1]


def test_the_public_profile_leaves_hidden_content_out_of_every_file(project: Path, tmp_path: Path) -> None:
    result = build(project, tmp_path / "out", profile="public")
    out = tmp_path / "out"
    deck = result.decks[0]
    # The TODO slide, the preparation slide of the stack, and the stack whose slides are all hidden are gone.
    assert [len(stack) for stack in deck.stacks] == [1, 1, 1]
    texts = b"".join(snapshot(out).values())
    for hidden in (b"TODO: finish", b"Say hello to the local crowd", b"Stack, all hidden", b"Nothing else",
                   b"with a local remark", b"A local remark in a paragraph"):
        assert hidden not in texts
    assert "Backup slide" in page(out) and "speaker notes" in page(out)
    # A file only hidden content used is not copied.
    assert not (out / "files" / "slides" / "draft.png").exists()
    # fragments: false: the content stays, shown at once, code steps dropped, incremental lists too.
    html = slides_of(page(out))
    assert "fragment" not in html and "data-fragment-index" not in html
    assert "Appears later" in html and "<li>one</li>" in html
    assert "<code class=\"python language-python hljs\" data-line-numbers>" in html
    footer = (out / "index.html").read_text(encoding="utf-8").split("<footer>")[1]
    assert 'profile <strong class="profile">public</strong>' in footer


def test_a_profile_sets_other_options_merged_over_the_deck(project: Path, tmp_path: Path) -> None:
    result = build(project, tmp_path / "out", profile="print")
    html = page(tmp_path / "out")
    deck = result.decks[0]
    assert deck.options.theme == "white" and deck.options.titleSlide is True  # deckgen.yml's, and the deck's own
    assert deck.stacks[0][0].attrs == {"class": "title-slide"}
    assert "Backup slide" not in html and "theme/white.css" in html
    options = json.loads(re.search(r"var options = (\{.*?\});", html)[1])
    assert options["controls"] is False


def test_an_unknown_profile_lists_the_defined_ones(project: Path, tmp_path: Path) -> None:
    with pytest.raises(DeckgenError) as caught:
        build(project, tmp_path / "out", profile="pubilc")
    assert str(caught.value).endswith(
        "deckgen.yml: unknown profile 'pubilc'; did you mean 'public'?; the profiles defined: print, public")
    assert not (tmp_path / "out").exists()


def test_a_profile_with_a_wrong_option_names_its_line(project: Path, tmp_path: Path) -> None:
    (project / "deckgen.yml").write_text(CONFIG + "  broken:\n    fragments: sometimes\n")
    with pytest.raises(DeckgenError, match=r"deckgen.yml:13: key 'fragments': expected true or false"):
        build(project, tmp_path / "out")
