"""Forum and microblog pages (discourse.read.html detectors twinoid, forums, stackoverflow,
twitter, talkyard, livejournal): random threads round-tripped through each system's
markup, the labelled real Twinoid page, and the flat-forum quote targets.  The golden
fixtures of these systems are checked with the others in tests/read/test_html.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from discourse.read import read_file
from discourse.read.html import parse_html
from tests.support import forum_render as render
from tests.support.html_render import depths, display_order, node_list
from tests.support.paths import HTML, THREADS

REAL = THREADS
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(page: str):
    return parse_html(page.encode("utf-8"), with_article=False)


@PROPERTY
@given(node_list(max_size=15))
def test_xenforo_quotes_give_targets(nodes):
    thread = _read(render.render_xenforo(nodes))
    assert thread.layout == "xenforo"
    assert thread.article == "The opening post of the thread."
    assert len(thread.comments) == len(nodes)
    for c, node in zip(thread.comments, nodes, strict=True):
        assert c.parent_id is None and c.author == node.author
        want = thread.comments[node.parent].id if node.parent is not None else None
        assert c.target_id == want
        assert c.text.endswith(node.text)


@PROPERTY
@given(node_list(max_size=15))
def test_vbulletin_quotes_give_targets(nodes):
    thread = _read(render.render_vbulletin(nodes))
    assert thread.layout == "vbulletin"
    for c, node in zip(thread.comments, nodes, strict=True):
        want = thread.comments[node.parent].id if node.parent is not None else None
        assert (c.parent_id, c.target_id, c.author) == (None, want, node.author)
        assert c.text.endswith(node.text)


def _tree_check(thread, nodes, authors=lambda n: n.author):
    order = display_order(nodes)
    position = {node: n for n, node in enumerate(order)}
    ids = [c.id for c in thread.comments]
    level = depths(nodes)
    got = [(c.parent_id, c.depth, c.author, c.text) for c in thread.comments]
    want = [(None if nodes[i].parent is None else ids[position[nodes[i].parent]], level[i],
             authors(nodes[i]), nodes[i].text) for i in order]
    assert got == want


@PROPERTY
@given(node_list(max_size=15))
def test_livejournal_margins_give_the_tree(nodes):
    thread = _read(render.render_livejournal(nodes))
    assert thread.layout == "livejournal"
    _tree_check(thread, nodes, lambda n: render._handle(n.author))


@PROPERTY
@given(node_list(max_size=15))
def test_talkyard_threads_give_the_tree(nodes):
    thread = _read(render.render_talkyard(nodes))
    assert thread.layout == "talkyard"
    _tree_check(thread, nodes)


@PROPERTY
@given(node_list(max_size=15))
def test_nitter_chains_give_the_tree(nodes):
    nodes = render.nitter_shape(nodes)
    thread = _read(render.render_nitter(nodes))
    assert thread.layout == "nitter"
    _tree_check(thread, nodes, lambda n: render._handle(n.author))


@PROPERTY
@given(node_list(max_size=15))
def test_stackoverflow_answers_and_comments(nodes):
    nodes = render.stackoverflow_shape(nodes)
    thread = _read(render.render_stackoverflow(nodes))
    assert thread.layout == "stackoverflow"
    assert thread.article == "The question." and thread.author == "asker"
    order = [i for i, n in enumerate(nodes) if n.parent is None and i % 3 == 2]
    for i, n in enumerate(nodes):
        if n.parent is None and i % 3 != 2:
            order.append(i)
            order += [j for j, m in enumerate(nodes) if m.parent == i]
    assert [c.author for c in thread.comments] == [nodes[i].author for i in order]
    keys = [c.platform_id for c in thread.comments]
    for c, i in zip(thread.comments, order, strict=True):
        node = nodes[i]
        if node.parent is None and i % 3 == 2:
            assert (c.platform_id, c.parent_id) == (f"c{900 + i}", None)
        elif node.parent is None:
            assert (c.platform_id, c.parent_id, c.score) == (str(100 + i), None, i)
        else:
            parent = thread.comments[keys.index(str(100 + node.parent))]
            assert (c.platform_id, c.parent_id) == (f"c{900 + i}", parent.id)


# -- the labelled real Twinoid page ------------------------------------------------------
def test_twinoid_page_keeps_the_packet_keys_and_quote_targets():
    path = REAL / "forum_twinoid_es_mush_beta_reinicio_servidor.html"
    if not path.exists():
        pytest.skip("real thread not present")
    thread = read_file(path)[0]
    assert thread.layout == "twinoid" and thread.author == "Chandrix"
    assert [c.platform_id for c in thread.comments] == [f"tid_forumPost_{i}" for i in range(1, 31)]
    assert all(c.parent_id is None for c in thread.comments)
    index = thread.by_id()
    targets = {c.platform_id: index[c.target_id].platform_id
               for c in thread.comments if c.target_id}
    # each quote names its user (by Twinoid user id: names change) and the quoted words
    assert targets == {
        "tid_forumPost_5": "tid_forumPost_4", "tid_forumPost_7": "tid_forumPost_6",
        "tid_forumPost_8": "tid_forumPost_5", "tid_forumPost_10": "tid_forumPost_9",
        "tid_forumPost_13": "tid_forumPost_12", "tid_forumPost_15": "tid_forumPost_13",
        "tid_forumPost_16": "tid_forumPost_15", "tid_forumPost_20": "tid_forumPost_18",
        "tid_forumPost_22": "tid_forumPost_20", "tid_forumPost_23": "tid_forumPost_21",
        "tid_forumPost_25": "tid_forumPost_21"}
    assert thread.comments[3].text.startswith("Chandrix wrote:\n\n> ¿El reinicio")


def test_flat_forum_first_post_on_a_later_page_is_a_comment():
    page = (HTML / "xenforo.html").read_text(encoding="utf-8").replace(">#1<", ">#21<")
    thread = _read(page)
    assert thread.article == "" and len(thread.comments) == 4
    assert thread.comments[0].author == "harbourmaster_jo"
