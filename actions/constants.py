"""Names shared by the domain, the actions and the tests: defined once.

The core's vocabulary (entities, roles, ...) is defined in assistant/vocabulary.py and
re-exported here; the Rasa names (slots, intents, actions, responses) are defined here.
"""

from assistant.vocabulary import (
    ENTITY_HOSPITAL,
    ENTITY_REGION,
    ENTITY_REGION_UNKNOWN,
    INTENT_MATERIALS,
    ROLE_INSURED,
    ROLE_TREATMENT,
)

__all__ = [
    "ENTITY_HOSPITAL",
    "ENTITY_REGION",
    "ENTITY_REGION_UNKNOWN",
    "INTENT_MATERIALS",
    "ROLE_INSURED",
    "ROLE_TREATMENT",
]

# slots
SLOT_REGION_INSURED = "region_insured"
SLOT_REGION_TREATMENT = "region_treatment"
SLOT_FILING_STATUS = "filing_status"
SLOT_TOPIC = "topic"
SLOT_FACET = "facet"
SLOT_PATIENT = "patient"
SLOT_PENDING_ROLE = "region_pending_role"
SLOT_HOSPITAL_LEVEL = "hospital_level"
SLOT_INSURANCE_SCHEME = "insurance_scheme"
SLOT_PERSON_STATUS = "person_status"
SLOT_HOSPITAL = "hospital"

# entities
ENTITY_FILING_STATUS = "filing_status"
ENTITY_HOSPITAL_LEVEL = "hospital_level"

ENTITY_FACET = "facet"

# intents
INTENT_INFORM = "inform"
INTENT_PARAMETERS = "ask_parameters"
INTENT_ESTIMATE = "ask_estimate"
INTENT_NLU_FALLBACK = "nlu_fallback"
INTENT_OUT_OF_SCOPE = "out_of_scope"

# actions
ACTION_ANSWER = "action_answer"
ACTION_CLARIFY = "action_clarify"

# responses
UTTER_POLICY_ANSWER = "utter_policy_answer"
UTTER_CASE_ANSWER = "utter_case_answer"
UTTER_ASK_TOPIC = "utter_ask_topic"
UTTER_CLARIFY = "utter_clarify"
UTTER_OUT_OF_SCOPE = "utter_out_of_scope"
UTTER_WHICH_PLACE = "utter_which_place"
UTTER_PLACE_NOT_FOUND = "utter_place_not_found"
UTTER_PLACE_NOT_FOUND_NO_MATCH = "utter_place_not_found_no_match"

# the estimate form
FORM_ESTIMATE = "estimate_form"
ACTION_VALIDATE_ESTIMATE = "validate_estimate_form"
ACTION_ESTIMATE = "action_estimate"
ACTION_ESTIMATE_INTRO = "action_estimate_intro"
SLOT_REQUESTED = "requested_slot"
SLOT_ESTIMATE_FILING = "estimate_filing"
SLOT_ESTIMATE_TOTAL = "estimate_total"
SLOT_ESTIMATE_TOTAL_SAID = "estimate_total_said"
SLOT_ESTIMATE_SELF_PAID = "estimate_self_paid"
SLOT_ESTIMATE_PARTIAL_SELF = "estimate_partial_self"
SLOT_ESTIMATE_REDUCTION = "estimate_reduction"
SLOT_ESTIMATE_DEDUCTIBLE = "estimate_deductible"
SLOT_ESTIMATE_RATIO = "estimate_ratio"
ENTITY_ESTIMATE_FILING = "estimate_filing"
ENTITY_INSURANCE_SCHEME = "insurance_scheme"
ENTITY_PERSON_STATUS = "person_status"
TOPIC_ESTIMATE = "estimate"
UNKNOWN_VALUE = "unknown"
UTTER_ESTIMATE_INTRO = "utter_estimate_intro"
UTTER_ESTIMATE_RESULT = "utter_estimate_result"
UTTER_INVALID = "utter_invalid_{slot}"
UTTER_ESTIMATE_NOTED = "utter_estimate_noted"
