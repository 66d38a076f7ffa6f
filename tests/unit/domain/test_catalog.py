"""The procedure catalog: the shipped data, validation of answers, and clear errors for bad files."""

import json
import shutil
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.catalog import CatalogError, FieldKind, Msg, Need, load_catalog
from kiosk.paths import ASSETS_DIR

CATALOG = ASSETS_DIR / "catalog" / "procedures.json"
TODAY = date(2026, 11, 22)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    shutil.copy(CATALOG, tmp_path / "procedures.json")
    shutil.copy(CATALOG.with_name("places.json"), tmp_path / "places.json")
    return tmp_path / "procedures.json"


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_catalog_has_the_five_procedures_grouped() -> None:
    catalog = load_catalog(CATALOG)
    assert catalog.version
    assert [p.code for p in catalog.procedures] == ["HT-XNHN", "HT-KH", "HT-KT", "HT-KTL", "HT-TLHT"]
    group_ids = {g.id for g in catalog.groups}
    assert {p.group for p in catalog.procedures} == group_ids
    assert [p.code for p in catalog.in_group("khai_tu")] == ["HT-KT", "HT-KTL"]
    for procedure in catalog.procedures:
        assert 2 <= len(procedure.fields) <= 5, procedure.code
        kinds = [f.kind for f in procedure.fields]
        assert kinds.count(FieldKind.TEXT) <= 1, procedure.code
        assert procedure.documents


def test_places_are_the_34_units_of_2025() -> None:
    catalog = load_catalog(CATALOG)
    assert len(catalog.places) == 34
    assert sum(p.kind == "city" for p in catalog.places) == 6
    assert catalog.place("da-nang").merged_from == ("Quảng Nam",)
    place_field = catalog.get("HT-KH").field("partner_province")
    assert len(place_field.options) == 34
    assert place_field.display("ho-chi-minh", "vi") == "Thành phố Hồ Chí Minh"


def test_every_shipped_string_is_nfc() -> None:
    def walk(value: object) -> None:
        if isinstance(value, str):
            assert unicodedata.is_normalized("NFC", value), value
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in ("procedures.json", "places.json"):
        walk(json.loads((ASSETS_DIR / "catalog" / name).read_text(encoding="utf-8")))


def test_a_procedure_is_added_with_no_code_change(catalog_copy: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["groups"].append({"id": "cu_tru", "title_vi": "Cư trú", "title_en": "Residence"})
        data["procedures"].append(
            {
                "code": "CT-TAMVANG",
                "group": "cu_tru",
                "title_vi": "Khai báo tạm vắng",
                "title_en": "Notice of temporary absence",
                "summary_vi": "Báo khi bạn đi khỏi xã lâu ngày.",
                "summary_en": "Tell the commune when you leave for a long time.",
                "processing_days": 1,
                "fee_vnd": 0,
                "return_in_person": False,
                "fields": [
                    {"id": "destination", "kind": "place", "label_vi": "Đi đâu?", "label_en": "Where to?"},
                    {"id": "months", "kind": "number", "label_vi": "Mấy tháng?", "label_en": "How long?",
                     "min": 1, "max": 24},
                ],
                "documents": [],
            }
        )

    catalog = load_catalog(edit(catalog_copy, add))
    procedure = catalog.get("CT-TAMVANG")
    assert procedure.group == "cu_tru"
    assert procedure.field("months").validate("25") == Msg.NUMBER_TOO_LARGE
    assert procedure.field("destination").validate("lao-cai") is None


def _set(path: list[str | int], value: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _set(["procedures", 1, "fields", 0, "kind"], "free_text"),
            "procedures[1].fields[0].kind: 'free_text'",
        ),
        (_set(["procedures", 0, "group"], "nope"), "procedures[0].group: unknown group 'nope'"),
        (_set(["procedures", 0, "title_vi"], _DELETE), "procedures[0].title_vi: is missing"),
        (_set(["procedures", 0, "fee_vnd"], -1), "procedures[0].fee_vnd: must be at least 0"),
        (_set(["procedures", 0, "fee_vnd"], "15000"), "procedures[0].fee_vnd: expected a whole number"),
        (_set(["procedures", 4, "code"], "HT-KH"), "procedure code 'HT-KH' appears twice"),
        (_set(["procedures", 0, "colour"], "red"), "procedures[0]: unknown key(s) colour"),
        (_set(["catalog_version"], ""), "catalog_version: must not be empty"),
        (
            _set(["procedures", 0, "fields", 1, "show_if"], {"field": "marital_status", "equals": "x"}),
            "procedures[0].fields[1].show_if.field: 'marital_status' is not an earlier field",
        ),
        (
            _set(["procedures", 0, "documents", 0, "required_if"], {"field": "purpose", "equals": "x"}),
            "procedures[0].documents[0].required_if.equals: 'x' is not an option of 'purpose'",
        ),
        (
            _set(["procedures", 1, "fields", 0, "pattern"], "[unclosed"),
            "procedures[1].fields[0].pattern: not a valid regular expression",
        ),
        (
            _set(
                ["procedures", 0, "fields", 0, "options"],
                [{"value": "a", "label_vi": "A", "label_en": "A"}],
            ),
            "procedures[0].fields[0].options: a choice field needs at least two options",
        ),
        (
            _set(["procedures", 1, "documents", 0, "min_pages"], 0),
            "documents[0].min_pages: must be at least 1",
        ),
        (_set(["procedures"], []), "procedures: the catalog offers no procedure"),
    ],
)
def test_a_bad_file_is_refused_naming_the_key(
    catalog_copy: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(edit(catalog_copy, change))
    assert expected in str(caught.value)
    assert str(catalog_copy) in str(caught.value)


def test_broken_json_and_missing_files_are_refused_clearly(catalog_copy: Path) -> None:
    catalog_copy.write_text('{"catalog_version": "1",\n "groups": [', encoding="utf-8")
    with pytest.raises(CatalogError, match="line 2: not valid JSON"):
        load_catalog(catalog_copy)
    catalog_copy.with_name("places.json").unlink()
    with pytest.raises(CatalogError, match=r"places\.json: cannot be read"):
        load_catalog(catalog_copy)


def test_field_validation_returns_message_ids() -> None:
    catalog = load_catalog(CATALOG)
    kh = catalog.get("HT-KH")
    name = kh.field("partner_name")
    assert name.validate("  Tra\u0302\u0300n   Thi\u0323 ") is None
    assert name.normalise("  Tra\u0302\u0300n   Văn Ba ") == "Trần Văn Ba"
    assert name.validate("") == Msg.REQUIRED
    assert name.validate(None) == Msg.REQUIRED
    assert name.validate("X") == Msg.TEXT_TOO_SHORT
    assert name.validate("Nguyễn 2") == Msg.TEXT_PATTERN
    assert name.validate("A" * 81) == Msg.TEXT_TOO_LONG
    birth = kh.field("partner_birth_date")
    assert birth.validate("1990-05-01", today=TODAY) is None
    assert birth.validate("01/05/1990", today=TODAY) == Msg.DATE_FORMAT
    assert birth.validate("1990-02-30", today=TODAY) == Msg.DATE_FORMAT
    assert birth.validate("2027-01-01", today=TODAY) == Msg.DATE_IN_FUTURE
    assert birth.validate("1899-12-31", today=TODAY) == Msg.DATE_TOO_EARLY
    assert birth.validate("2010-01-01", today=TODAY) == Msg.DATE_TOO_RECENT
    assert birth.display("1990-05-01", "vi") == "01/05/1990"
    same = kh.field("partner_same_commune")
    assert same.validate("yes") is None
    assert same.validate("maybe") == Msg.NOT_AN_OPTION
    assert same.display("no", "vi") == "Không"
    copies = catalog.get("HT-TLHT").field("copies")
    assert copies.validate("3") is None
    assert copies.validate("0") == Msg.NUMBER_TOO_SMALL
    assert copies.validate("ba") == Msg.NUMBER_FORMAT


def test_optional_fields_accept_no_answer(catalog_copy: Path) -> None:
    catalog = load_catalog(edit(catalog_copy, _set(["procedures", 1, "fields", 0, "required"], False)))
    assert catalog.get("HT-KH").field("partner_name").validate("") is None


def test_questions_and_documents_follow_the_answers() -> None:
    catalog = load_catalog(CATALOG)
    xnhn = catalog.get("HT-XNHN")
    answers = {"purpose": "nha_dat", "marital_status": "chua_ket_hon", "lived_elsewhere": "no"}
    assert [f.id for f in xnhn.visible_fields(answers)] == ["purpose", "marital_status", "lived_elsewhere"]
    assert [(d.id, n) for d, n in xnhn.checklist(answers)] == [("previous_status_certificate", Need.OPTIONAL)]
    answers |= {"purpose": "ket_hon", "marital_status": "da_ly_hon"}
    assert "intended_spouse_name" in [f.id for f in xnhn.visible_fields(answers)]
    assert ("divorce_decision", Need.REQUIRED) in [(d.id, n) for d, n in xnhn.checklist(answers)]

    kt = catalog.get("HT-KT")
    at_home = {"place_of_death": "tai_nha", "relationship": "con"}
    in_hospital = {"place_of_death": "co_so_y_te", "relationship": "khac"}
    assert [d.id for d, n in kt.checklist(at_home) if n is Need.REQUIRED] == ["death_notice_local"]
    assert [d.id for d, n in kt.checklist(in_hospital) if n is Need.REQUIRED] == [
        "death_notice_medical",
        "authorisation",
    ]


def test_fee_per_copy() -> None:
    catalog = load_catalog(CATALOG)
    assert catalog.get("HT-TLHT").fee({"copies": "3"}) == 24000
    assert catalog.get("HT-XNHN").fee({}) == 15000
    assert catalog.get("HT-KH").processing_days_max == 5


def test_numbers_are_stored_without_leading_zeros() -> None:
    copies = load_catalog(CATALOG).get("HT-TLHT").field("copies")
    assert copies.normalise(" 03 ") == "3"
    assert copies.validate("03") is None
