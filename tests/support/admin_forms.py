"""Read a starlette-admin page the way a browser submits it (stdlib HTML parser only).

`form_fields(html)` returns what the page's create/edit form (the multipart POST form)
would send untouched: text-like inputs with their value, checked checkboxes as "on",
the selected option of each select (the first one when none is selected, as browsers
do), textarea contents (minus the newline HTML drops after `<textarea>`).
"""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict[str, str], dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "").upper() == "POST":
            self._fields = {}
            self.forms.append((a, self._fields))
            return
        fields = self._fields
        if fields is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file"}:
                return
            if kind == "checkbox":
                if "checked" in a:
                    fields[name] = a.get("value") or "on"
                return
            fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        fields = self._fields
        if tag == "form":
            self._fields = None
        elif fields is None:
            return
        elif tag == "select" and self._select is not None:
            fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = fields[self._textarea]
            fields[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea is not None:
            self._fields[self._textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = _FormParser()
    parser.feed(html)
    for attrs, fields in parser.forms:
        if attrs.get("enctype") == "multipart/form-data":
            return fields
    raise AssertionError("the page has no create/edit form")
