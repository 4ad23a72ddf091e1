"""The roles of DESIGN.md ("Users"), each a Django group created by migration."""

CO_CHAIR = "co_chair"
MEMBER = "member"
DIRECTORATE = "directorate"
ANALYST = "analyst"
RED_TEAM = "red_team"
DEPUTIES = "deputies"
PRINCIPALS = "principals"
AUDITOR = "auditor"
API_CLIENT = "api_client"

ALL = (CO_CHAIR, MEMBER, DIRECTORATE, ANALYST, RED_TEAM, DEPUTIES, PRINCIPALS, AUDITOR, API_CLIENT)

DESCRIPTIONS = {
    CO_CHAIR: "Co-chair of the APC",
    MEMBER: "APC member (assistant-secretary level)",
    DIRECTORATE: "NSC directorate for crisis prevention and response",
    ANALYST: "Analyst (files alert-channel warnings)",
    RED_TEAM: "Red-team reviewer",
    DEPUTIES: "Deputies Committee secretariat",
    PRINCIPALS: "Principals Committee secretariat",
    AUDITOR: "Oversight (reads the audit trail)",
    API_CLIENT: "Service account of another agency (REST)",
}
