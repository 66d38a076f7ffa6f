"""Loading the procedure catalog from data, and refusing a bad file clearly.

The catalog is data (`assets/catalog/procedures.json`, places in `places.json` beside it) because
each province publishes its own list of procedures and one must be addable without a code change.
A mistake in the file stops the kiosk at start-up with one message naming the key
(`procedures[2].fields[1].kind: ...`), rather than surfacing as a wrong screen in front of a citizen.
"""

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Final, TypeVar, cast

from kiosk.domain.catalog_model import (
    YES_NO_OPTIONS,
    Catalog,
    Condition,
    DocumentRequirement,
    Field,
    FieldKind,
    Group,
    Lang,
    Msg,
    Need,
    Option,
    Place,
    Procedure,
)
from kiosk.domain.text import nfc

__all__ = [
    "PLACES_FILE",
    "Catalog",
    "CatalogError",
    "Condition",
    "DocumentRequirement",
    "Field",
    "FieldKind",
    "Group",
    "Lang",
    "Msg",
    "Need",
    "Option",
    "Place",
    "Procedure",
    "load_catalog",
    "load_places",
]

PLACES_FILE: Final = "places.json"
_ID_RE: Final = re.compile(r"[a-z][a-z0-9_]*")
_CODE_RE: Final = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)*")
_PLACE_ID_RE: Final = re.compile(r"[a-z][a-z0-9-]*")
T = TypeVar("T")


class CatalogError(ValueError):
    """The catalog file is unusable; the message names the file and the key."""


class _Node:
    """A JSON value with the key path that leads to it, for error messages."""

    def __init__(self, value: object, path: str, source: Path) -> None:
        self.value = value
        self.path = path
        self.source = source

    def fail(self, problem: str) -> CatalogError:
        return CatalogError(f"{self.source}: {self.path or '(top level)'}: {problem}")

    def obj(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, found {type(self.value).__name__}")
        return cast(dict[str, object], self.value)

    def key(self, name: str, *, optional: bool = False) -> "_Node | None":
        mapping = self.obj()
        child = f"{self.path}.{name}" if self.path else name
        if name not in mapping:
            if optional:
                return None
            raise _Node(None, child, self.source).fail("is missing")
        return _Node(mapping[name], child, self.source)

    def req(self, name: str) -> "_Node":
        node = self.key(name)
        assert node is not None
        return node

    def items(self) -> list["_Node"]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, found {type(self.value).__name__}")
        return [_Node(v, f"{self.path}[{i}]", self.source) for i, v in enumerate(self.value)]

    def string(self, *, pattern: re.Pattern[str] | None = None, allow_empty: bool = False) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"expected text, found {type(self.value).__name__}")
        text = nfc(self.value).strip()
        if not text and not allow_empty:
            raise self.fail("must not be empty")
        if pattern is not None and not pattern.fullmatch(text):
            raise self.fail(f"{text!r} does not match {pattern.pattern}")
        return text

    def integer(self, *, minimum: int | None = None) -> int:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise self.fail(f"expected a whole number, found {self.value!r}")
        if minimum is not None and self.value < minimum:
            raise self.fail(f"must be at least {minimum}, found {self.value}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, found {self.value!r}")
        return self.value

    def iso_date(self) -> date:
        text = self.string()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"{text!r} is not a date (YYYY-MM-DD)") from None

    def unknown_keys(self, allowed: set[str]) -> None:
        extra = sorted(set(self.obj()) - allowed)
        if extra:
            raise self.fail(f"unknown key(s) {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})")


def _opt(node: _Node, name: str, read: Callable[[_Node], T], default: T) -> T:
    child = node.key(name, optional=True)
    return default if child is None else read(child)


def load_places(path: Path) -> tuple[Place, ...]:
    """The province-level places of `places.json`."""
    root = _read_json(path)
    places: list[Place] = []
    for node in root.req("places").items():
        node.unknown_keys({"id", "name_vi", "name_en", "kind", "merged_from"})
        kind = node.req("kind").string()
        if kind not in ("city", "province"):
            raise node.req("kind").fail(f"{kind!r} is not 'city' or 'province'")
        places.append(
            Place(
                id=node.req("id").string(pattern=_PLACE_ID_RE),
                name_vi=node.req("name_vi").string(),
                name_en=node.req("name_en").string(),
                kind="city" if kind == "city" else "province",
                merged_from=_opt(node, "merged_from", lambda n: tuple(m.string() for m in n.items()), ()),
            )
        )
    _unique([p.id for p in places], root.req("places"), "place id")
    return tuple(places)


def load_catalog(path: Path, places_path: Path | None = None) -> Catalog:
    """The catalog in `path`, its place pickers filled from `places.json` beside it.

    Raises CatalogError naming the key when the file is malformed or inconsistent (an unknown
    group, a condition on a later or unknown field, a condition value that is not an option...).
    """
    places = load_places(places_path or path.with_name(PLACES_FILE))
    root = _read_json(path)
    root.unknown_keys({"catalog_version", "groups", "procedures", "note"})
    version = root.req("catalog_version").string()
    groups = tuple(_group(n) for n in root.req("groups").items())
    _unique([g.id for g in groups], root.req("groups"), "group id")
    procedures_node = root.req("procedures")
    procedures = tuple(
        _procedure(n, {g.id for g in groups}, places) for n in procedures_node.items()
    )
    if not procedures:
        raise procedures_node.fail("the catalog offers no procedure")
    _unique([p.code for p in procedures], procedures_node, "procedure code")
    return Catalog(version=version, groups=groups, procedures=procedures, places=places)


def _read_json(path: Path) -> _Node:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{path}: is not UTF-8 text") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise CatalogError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    root = _Node(data, "", path)
    root.obj()
    return root


def _unique(values: list[str], node: _Node, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise node.fail(f"{what} {value!r} appears twice")
        seen.add(value)


def _group(node: _Node) -> Group:
    node.unknown_keys({"id", "title_vi", "title_en"})
    return Group(
        id=node.req("id").string(pattern=_ID_RE),
        title_vi=node.req("title_vi").string(),
        title_en=node.req("title_en").string(),
    )


_PROCEDURE_KEYS: Final = {
    "code", "group", "title_vi", "title_en", "summary_vi", "summary_en", "fields", "documents",
    "processing_days", "processing_days_max", "fee_vnd", "fee_per_field", "return_in_person",
}  # fmt: skip


def _procedure(node: _Node, group_ids: set[str], places: tuple[Place, ...]) -> Procedure:
    node.unknown_keys(_PROCEDURE_KEYS)
    group_node = node.req("group")
    group = group_node.string()
    if group not in group_ids:
        raise group_node.fail(f"unknown group {group!r} (groups: {', '.join(sorted(group_ids))})")
    fields: list[Field] = []
    for field_node in node.req("fields").items():
        fields.append(_field(field_node, {f.id: f for f in fields}, places))
    _unique([f.id for f in fields], node.req("fields"), "field id")
    by_id = {f.id: f for f in fields}
    documents = tuple(_document(n, by_id) for n in node.req("documents").items())
    _unique([d.id for d in documents], node.req("documents"), "document id")
    processing_days = node.req("processing_days").integer(minimum=0)
    processing_max = _opt(node, "processing_days_max", lambda n: n.integer(minimum=processing_days), None)
    fee_per = _opt(node, "fee_per_field", _Node.string, None)
    if fee_per is not None and (fee_per not in by_id or by_id[fee_per].kind is not FieldKind.NUMBER):
        raise node.req("fee_per_field").fail(f"{fee_per!r} is not a number field of this procedure")
    return Procedure(
        code=node.req("code").string(pattern=_CODE_RE),
        group=group,
        title_vi=node.req("title_vi").string(),
        title_en=node.req("title_en").string(),
        summary_vi=node.req("summary_vi").string(),
        summary_en=node.req("summary_en").string(),
        fields=tuple(fields),
        documents=documents,
        processing_days=processing_days,
        processing_days_max=processing_max,
        fee_vnd=node.req("fee_vnd").integer(minimum=0),
        fee_per_field=fee_per,
        return_in_person=node.req("return_in_person").boolean(),
    )


_FIELD_KEYS: Final = {
    "id", "kind", "label_vi", "label_en", "help_vi", "help_en", "required", "options", "show_if",
    "min", "max", "min_length", "max_length", "pattern", "not_future", "min_date", "min_years_ago",
}  # fmt: skip


def _field(node: _Node, earlier: Mapping[str, Field], places: tuple[Place, ...]) -> Field:
    node.unknown_keys(_FIELD_KEYS)
    kind_node = node.req("kind")
    kind_text = kind_node.string()
    try:
        kind = FieldKind(kind_text)
    except ValueError:
        allowed = ", ".join(k.value for k in FieldKind)
        raise kind_node.fail(f"{kind_text!r} is not one of {allowed}") from None
    options = _options(node, kind, places)
    pattern = _opt(node, "pattern", _Node.string, None)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise node.req("pattern").fail(f"not a valid regular expression ({error})") from None
    return Field(
        id=node.req("id").string(pattern=_ID_RE),
        kind=kind,
        label_vi=node.req("label_vi").string(),
        label_en=node.req("label_en").string(),
        help_vi=_opt(node, "help_vi", lambda n: n.string(allow_empty=True), ""),
        help_en=_opt(node, "help_en", lambda n: n.string(allow_empty=True), ""),
        required=_opt(node, "required", _Node.boolean, True),
        options=options,
        show_if=_opt(node, "show_if", lambda n: _condition(n, earlier), None),
        min_value=_opt(node, "min", _Node.integer, None),
        max_value=_opt(node, "max", _Node.integer, None),
        min_length=_opt(node, "min_length", lambda n: n.integer(minimum=0), None),
        max_length=_opt(node, "max_length", lambda n: n.integer(minimum=1), None),
        pattern=pattern,
        not_future=_opt(node, "not_future", _Node.boolean, False),
        min_date=_opt(node, "min_date", _Node.iso_date, None),
        min_years_ago=_opt(node, "min_years_ago", lambda n: n.integer(minimum=0), None),
    )


def _options(node: _Node, kind: FieldKind, places: tuple[Place, ...]) -> tuple[Option, ...]:
    options_node = node.key("options", optional=True)
    if kind is FieldKind.CHOICE:
        if options_node is None:
            raise node.req("options").fail("a choice field needs its options")
        options = tuple(_option(n) for n in options_node.items())
        if len(options) < 2:
            raise options_node.fail("a choice field needs at least two options")
        _unique([o.value for o in options], options_node, "option value")
        return options
    if options_node is not None:
        raise options_node.fail(f"only choice fields list options (this one is {kind.value})")
    if kind is FieldKind.YES_NO:
        return YES_NO_OPTIONS
    if kind is FieldKind.PLACE:
        return tuple(p.as_option() for p in places)
    return ()


def _option(node: _Node) -> Option:
    node.unknown_keys({"value", "label_vi", "label_en"})
    return Option(
        value=node.req("value").string(pattern=_ID_RE),
        label_vi=node.req("label_vi").string(),
        label_en=node.req("label_en").string(),
    )


def _condition(node: _Node, earlier: Mapping[str, Field]) -> Condition:
    """`{"field": f, "in": [...]}`, `{"field": f, "equals": v}` or `{"field": f, "not_in": [...]}`.

    Conditions may only look back (at earlier fields), so one pass over the questions settles
    which ones are shown.
    """
    node.unknown_keys({"field", "equals", "in", "not_in"})
    field_node = node.req("field")
    field_id = field_node.string()
    if field_id not in earlier:
        raise field_node.fail(f"{field_id!r} is not an earlier field of this procedure")
    forms = [k for k in ("equals", "in", "not_in") if node.key(k, optional=True) is not None]
    if len(forms) != 1:
        raise node.fail("needs exactly one of equals, in, not_in")
    form = node.req(forms[0])
    values = [form.string()] if forms[0] == "equals" else [n.string() for n in form.items()]
    if not values:
        raise form.fail("lists no value")
    target = earlier[field_id]
    if target.options:
        known = {o.value for o in target.options}
        for value in values:
            if value not in known:
                raise form.fail(f"{value!r} is not an option of {field_id!r}")
    return Condition(field=field_id, values=frozenset(values), negate=forms[0] == "not_in")


def _document(node: _Node, fields: Mapping[str, Field]) -> DocumentRequirement:
    node.unknown_keys(
        {"id", "title_vi", "title_en", "help_vi", "help_en", "required", "required_if", "min_pages"}
    )
    required = _opt(node, "required", _Node.boolean, False)
    required_if = _opt(node, "required_if", lambda n: _condition(n, fields), None)
    if required and required_if is not None:
        raise node.req("required_if").fail("a document is either always required or conditionally")
    return DocumentRequirement(
        id=node.req("id").string(pattern=_ID_RE),
        title_vi=node.req("title_vi").string(),
        title_en=node.req("title_en").string(),
        help_vi=_opt(node, "help_vi", lambda n: n.string(allow_empty=True), ""),
        help_en=_opt(node, "help_en", lambda n: n.string(allow_empty=True), ""),
        required=required,
        required_if=required_if,
        min_pages=_opt(node, "min_pages", lambda n: n.integer(minimum=1), 1),
    )
