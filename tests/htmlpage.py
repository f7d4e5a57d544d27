"""What a browser would use from an HTML page, for the tests of the HTML renderings."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Page(HTMLParser):
    """What a browser would use from an HTML page: text, URLs, styles, tags."""

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.lang, self.tags, self.urls, self.styles = None, [], [], []
        self.text, self.code = [], []
        self._stack = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("src", "href", "data", "action"):
            if attrs.get(name):
                self.urls.append((tag, attrs[name]))
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        self._stack.append(tag)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if "style" in self._stack:
            self.styles.append(data)
        elif "script" not in self._stack:
            self.text.append(data)
            if "pre" in self._stack or "code" in self._stack:
                self.code.append(data)

    @property
    def all_text(self):
        return re.sub(r"\s+", " ", "".join(self.text))
