"""Names the core shares with the NLU and the actions: entities, roles, schemes,
statuses, hospital levels, parameter kinds and filing situations, one encoding each.
No Rasa: actions/constants.py re-exports what the Rasa side needs."""

# entities the NLU extracts and the core reads
ENTITY_REGION = "region"
ENTITY_REGION_UNKNOWN = "region_unknown"
ENTITY_HOSPITAL = "hospital"

# roles of a place: the insured place (参保地) and the treatment place (就医地)
ROLE_INSURED = "insured"
ROLE_TREATMENT = "treatment"
# a place the message compares with (比在南京低): it sets neither place; the extractor
# marks such a region entity with this key set to True
PLACE_COMPARED = "compared"

# the intent whose topic answers the materials question (the knowledge base needs it)
INTENT_MATERIALS = "ask_materials"

# insurance schemes: 职工医保, 城乡居民医保
SCHEME_EMPLOYEE = "employee"
SCHEME_RESIDENT = "resident"
SCHEMES = (SCHEME_EMPLOYEE, SCHEME_RESIDENT)

# a 职工医保 member's status: 在职, 退休
STATUS_IN_SERVICE = "in_service"
STATUS_RETIRED = "retired"
STATUSES = (STATUS_IN_SERVICE, STATUS_RETIRED)

# hospital levels as the knowledge base keys them (一级, 二级, 三级)
LEVELS = ("l1", "l2", "l3")

# how far a fact or figure is trusted, from least to most
CONFIDENCES = ("low", "medium", "high")

# the insured place's parameters: 起付线, 报销比例, 封顶线
PARAMETER_KINDS = ("deductible", "ratio", "annual_cap")

# the filing situations a policy answer distinguishes (the filing_status slot)
FILING_STATUSES = ("filed", "not_filed", "emergency")

# where the two places lie relative to each other (assistant/case.py scope)
LOCAL = "local"
INTRA_PROVINCE = "intra_province"
CROSS_PROVINCE = "cross_province"
