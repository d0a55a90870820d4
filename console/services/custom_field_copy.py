"""Square custom fields copied to another account: what the target's key/value metadata can hold.

For the copy between accounts (issue 19): the preview shows `left_behind`, each with its reason,
and the copy writes `metadata` into the target's key/value field (Digital River's metadata).
A target with no key/value field (Clover's metadata is a fixed set of fields) carries nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from console.domain.capabilities import Capabilities, FieldKind, FieldSpec
from console.domain.custom_field_rules import display_text, is_blank
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, CustomFieldValue

# Metadata is no place for personal data (Digital River says so of its own), and nobody reads it
# as such: an email, phone or address custom field stays behind rather than being spread around.
PERSONAL_TYPES = frozenset({CustomFieldType.EMAIL, CustomFieldType.PHONE, CustomFieldType.ADDRESS})


@dataclass(frozen=True, slots=True)
class LeftBehind:
    """A custom field value that the copy cannot carry, and why (for the preview)."""

    key: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class MetadataPlan:
    """Where the custom fields go at the target: `field_key` (its KEY_VALUE field) set to `metadata`."""

    field_key: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    carried: tuple[str, ...] = ()           # definition keys carried
    left_behind: tuple[LeftBehind, ...] = ()


def metadata_field(target: Capabilities) -> FieldSpec | None:
    """The target's editable key/value field, if it has one."""
    return next((f for f in target.fields if f.kind is FieldKind.KEY_VALUE and f.editable), None)


def custom_fields_to_metadata(definitions: Sequence[CustomFieldDefinition], values: Sequence[CustomFieldValue],
                              target: Capabilities, existing: Mapping[str, str] | None = None) -> MetadataPlan:
    """Map one customer's custom field `values` onto the target's metadata (on top of `existing`).

    Each value goes under its definition's key, as the text staff see (selections by option name).
    """
    by_key = {d.key: d for d in definitions}
    present = [v for v in values if not is_blank(v.value)]
    spec = metadata_field(target)
    if spec is None:
        none = f"{target.display_name} has no key/value metadata to hold custom fields."
        return MetadataPlan(None, left_behind=tuple(LeftBehind(v.key, _name(by_key, v.key), none) for v in present))
    metadata = dict(existing or {})
    carried: list[str] = []
    left: list[LeftBehind] = []
    for value in present:
        definition = by_key.get(value.key)
        name = _name(by_key, value.key)
        text = display_text(definition, value.value)
        reason = _refusal(spec, target, definition, value.key, text, metadata)
        if reason is not None:
            left.append(LeftBehind(value.key, name, reason))
            continue
        metadata[value.key] = text
        carried.append(value.key)
    return MetadataPlan(spec.key, metadata, tuple(carried), tuple(left))


def _name(by_key: Mapping[str, CustomFieldDefinition], key: str) -> str:
    definition = by_key.get(key)
    return definition.name if definition is not None else key


def _refusal(spec: FieldSpec, target: Capabilities, definition: CustomFieldDefinition | None, key: str,
             text: str, metadata: Mapping[str, str]) -> str | None:
    """Why this value cannot go into the metadata, or None."""
    provider = target.display_name
    if definition is None:
        return "Its definition is not known (it may have been deleted)."
    if definition.type in PERSONAL_TYPES:
        return f"It is personal data ({definition.type.value}), which is not copied into {provider} metadata."
    if key in metadata:
        return f"The {provider} customer already has metadata under the key '{key}'."
    if spec.max_key_length is not None and len(key) > spec.max_key_length:
        return f"Its key is longer than the {spec.max_key_length} characters {provider} allows in metadata."
    if spec.max_value_length is not None and len(text) > spec.max_value_length:
        return f"Its value is longer than the {spec.max_value_length} characters {provider} allows in metadata."
    if spec.max_entries is not None and len(metadata) >= spec.max_entries:
        return f"{provider} keeps at most {spec.max_entries} metadata entries per customer."
    return None
