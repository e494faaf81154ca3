"""What each receiver may see (信息共享的脱敏): the policy, single values, free text, records.

Every output goes through :func:`mask_record` with its receiver's policy from
``data/config/masking.toml``; nothing writes personal data around it.
"""

from triage.masking.policy import KINDS, MaskingPolicy, ReceiverPolicy, Visibility
from triage.masking.records import DEFAULT_FIELDS, DV_WITHHELD, mask_record, text_visibility
from triage.masking.text import PLACEHOLDER, scrub, scrub_numbers
from triage.masking.values import mask_address, mask_id, mask_name, mask_phone, mask_plate

__all__ = [
    "DEFAULT_FIELDS", "DV_WITHHELD", "KINDS", "PLACEHOLDER", "MaskingPolicy", "ReceiverPolicy",
    "Visibility", "mask_address", "mask_id", "mask_name", "mask_phone", "mask_plate",
    "mask_record", "scrub", "scrub_numbers", "text_visibility",
]
