"""Every fact of the vocabulary has a short name in both languages, so an explanation or a
what-if in Chinese never falls back to a path such as ``needs.usage.mau``."""

from __future__ import annotations

from expert.facts.field_labels import FIELD_LABELS, UNITS, label_of, unit_of
from expert.facts.fields import NUMBER, field_catalogue


def test_every_field_is_named_in_both_languages():
    paths = [path for path in field_catalogue() if not path.startswith("offer.capabilities.")]
    missing = [path for path in paths if label_of(path) is None]
    assert not missing, f"no name in facts/field_labels.py for {missing}"
    for path, (en, zh, unit) in FIELD_LABELS.items():
        assert en.strip() and zh.strip() and not zh.isascii(), path
        assert unit == "" or unit in UNITS, path


def test_money_fields_carry_their_unit_once():
    for path, spec in field_catalogue().items():
        if spec.kind == NUMBER and path.endswith("_usd"):
            unit = unit_of(path)
            assert unit is not None and "美元" in unit[1], path
            assert "美元" not in label_of(path)[1], f"{path}: the unit goes beside the value, not in the name"
