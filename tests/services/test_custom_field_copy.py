"""Square custom fields mapped onto another provider's metadata, for the copy between accounts."""

from __future__ import annotations

from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, CustomFieldValue, SelectionOption
from console.providers.registry import provider
from console.services.custom_field_copy import custom_fields_to_metadata

T = CustomFieldType
DRINK = CustomFieldDefinition(key="favourite-drink", name="Favourite drink", type=T.SELECTION, description="d",
                              options=(SelectionOption(uid="u1", name="Tea"), SelectionOption(uid="u2", name="Mate")))
TIER = CustomFieldDefinition(key="tier", name="Loyalty tier", type=T.STRING, description="d")
VIP = CustomFieldDefinition(key="vip", name="VIP", type=T.BOOLEAN, description="d")
MANAGER_EMAIL = CustomFieldDefinition(key="manager", name="Account manager", type=T.EMAIL, description="d")
LONG_KEY = CustomFieldDefinition(key="k" * 41, name="Long key", type=T.STRING, description="d")
DEFINITIONS = [DRINK, TIER, VIP, MANAGER_EMAIL, LONG_KEY]



def test_digital_river_metadata_carries_what_fits_and_says_why_the_rest_stays() -> None:
    dr = provider("digital-river").capabilities
    plan = custom_fields_to_metadata(DEFINITIONS, [
        CustomFieldValue(key="favourite-drink", value=("u2",)), CustomFieldValue(key="tier", value="Gold"),
        CustomFieldValue(key="vip", value=True), CustomFieldValue(key="manager", value="m@example.com"),
        CustomFieldValue(key="k" * 41, value="x"), CustomFieldValue(key="gone", value="y"),
        CustomFieldValue(key="tier-empty", value="")], dr)
    assert plan.field_key == "metadata"
    assert plan.metadata == {"favourite-drink": "Mate", "tier": "Gold", "vip": "Yes"}
    assert plan.carried == ("favourite-drink", "tier", "vip")
    reasons = {item.name: item.reason for item in plan.left_behind}
    assert set(reasons) == {"Account manager", "Long key", "gone"}
    assert "personal data" in reasons["Account manager"]
    assert "40 characters" in reasons["Long key"]
    assert "not known" in reasons["gone"]


def test_values_too_long_or_too_many_or_clashing_stay_behind() -> None:
    dr = provider("digital-river").capabilities
    plan = custom_fields_to_metadata(DEFINITIONS, [CustomFieldValue(key="tier", value="x" * 501),
                                                   CustomFieldValue(key="vip", value=False)],
                                     dr, existing={"vip": "kept"})
    assert plan.metadata == {"vip": "kept"}
    assert [b.reason for b in plan.left_behind] == [
        "Its value is longer than the 500 characters Digital River allows in metadata.",
        "The Digital River customer already has metadata under the key 'vip'."]
    full = {f"k{i}": "v" for i in range(20)}
    plan = custom_fields_to_metadata(DEFINITIONS, [CustomFieldValue(key="tier", value="Gold")], dr, existing=full)
    assert plan.carried == () and "at most 20" in plan.left_behind[0].reason
    plan = custom_fields_to_metadata(DEFINITIONS, [CustomFieldValue(key="tier", value="Gold")], dr,
                                     existing=dict(list(full.items())[:19]))
    assert plan.carried == ("tier",) and len(plan.metadata) == 20


def test_clover_has_no_key_value_metadata_so_nothing_is_carried() -> None:
    clover = provider("clover").capabilities
    plan = custom_fields_to_metadata(DEFINITIONS, [CustomFieldValue(key="tier", value="Gold")], clover)
    assert plan.field_key is None and plan.metadata == {}
    assert plan.left_behind[0].reason == "Clover has no key/value metadata to hold custom fields."
