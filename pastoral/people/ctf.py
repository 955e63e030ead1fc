"""Parents' and carers' relationships as the DfE's CTF contact-relationship codes, and back.

Shared by the leaver's CTF (caseload/reports/ctf.py) and the CTF import
(pastoral/imports/ctf.py). The codes name a sex where ours do not: a step-parent
or grandparent goes out as "other relative"; a code we have no relationship for
comes in as "other".
"""

from __future__ import annotations

from pastoral.models import Contact

R = Contact.Relationship

RELATIONSHIP_CODES: dict[str, str] = {
    R.MOTHER: "PAM",
    R.FATHER: "PAF",
    R.STEP_PARENT: "REL",
    R.GRANDPARENT: "REL",
    R.FOSTER_CARER: "CAR",
    R.SOCIAL_WORKER: "SWR",
    R.OTHER_RELATIVE: "REL",
    R.OTHER: "OTH",
}
RELATIONSHIPS_FROM_CODE: dict[str, str] = {
    "PAM": R.MOTHER,
    "PAF": R.FATHER,
    "STM": R.STEP_PARENT,
    "STF": R.STEP_PARENT,
    "GRM": R.GRANDPARENT,
    "GRF": R.GRANDPARENT,
    "FOM": R.FOSTER_CARER,
    "FOF": R.FOSTER_CARER,
    "CAR": R.FOSTER_CARER,
    "SWR": R.SOCIAL_WORKER,
    "REL": R.OTHER_RELATIVE,
    "OTH": R.OTHER,
}


def relationship_from_code(code: str) -> str:
    """Our relationship for a DfE code (any case); "other" when we have none for it."""
    return RELATIONSHIPS_FROM_CODE.get(code.strip().upper(), R.OTHER)
