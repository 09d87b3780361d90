"""Named JSON platforms that are only a field table over the generic reader
(:mod:`discourse.read.generic`): each module fixes the fields the generic inference could
hesitate over, and adds what the platform knows — its site, permalinks, the opening post,
comments counted but not sent.  One module per form, one registry line each.

==================  ========================================================================
``hnpwa``           Hacker News items from the HNPWA API (nested ``comments`` with ``level``)
``bilibili``        Bilibili reply API pages (``rpid``/``parent``/``root``, nested ``replies``)
``guardian``        Guardian discussion API responses (``discussion.comments``, ``responses``)
``twinoid``         Twinoid forum archive JSON (threads of posts; the first post opens it)
``daum``            Daum news comment API pages (``parentId``, the article beside the file)
``disqus_api``      Disqus API ``threads/listPosts`` responses (``response``, ``parent``)
``lemmy``           Lemmy comment lists and post views (``comment.path`` materialised paths)
``mastodon``        Mastodon/ActivityPub ``statuses/<id>/context`` (``in_reply_to_id``)
``bluesky``         Bluesky ``app.bsky.feed.getPostThread`` (nested ``replies``, ``parent``)
``hive``            Hive/Steem discussions (``parent_author`` + ``parent_permlink``)
``commento``        Commento data exports (``commentHex``/``parentHex``, ``commenters``)
``isso``            Isso comment API responses (nested ``replies``, ``mode``)
==================  ========================================================================
"""
