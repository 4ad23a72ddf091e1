"""Demo accounts for the embedded default: one per role, spread across the member agencies.

Every demo account uses DEMO_PASSWORD (documented in the README). `seed_demo` refuses to run
unless DEBUG is on, so these never exist in production.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "apc-demo-pass-2026"  # noqa: S105 - documented demo credential, DEBUG only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency: str  # Agency.code
    role: str | None  # group name; None for the administrator
    clearance: str
    title: str
    superuser: bool = False
    lead: bool = False


DEMO_USERS = (
    DemoUser(
        "cochair.nsc",
        "Nadia",
        "Okafor",
        "nsc",
        "co_chair",
        "S",
        "Senior Director, NSC (APC co-chair)",
    ),
    DemoUser(
        "cochair.state",
        "Daniel",
        "Reyes",
        "state",
        "co_chair",
        "S",
        "Assistant Secretary, Democracy, Human Rights and Labor (APC co-chair)",
    ),
    DemoUser(
        "member.defense",
        "Grace",
        "Lindqvist",
        "defense",
        "member",
        "S",
        "Assistant Secretary of Defense",
    ),
    DemoUser(
        "member.treasury",
        "Omar",
        "Haddad",
        "treasury",
        "member",
        "C",
        "Assistant Secretary of the Treasury",
    ),
    DemoUser(
        "member.usaid", "Ines", "Moreau", "usaid", "member", "CUI", "Assistant Administrator, USAID"
    ),
    # the other member agencies of recommendation 4-1 (their principals on the committee)
    DemoUser(
        "member.state",
        "Laura",
        "Benedetti",
        "state",
        "member",
        "S",
        "Coordinator for Reconstruction and Stabilization, State",
    ),
    DemoUser(
        "member.jcs",
        "Kwame",
        "Mensah",
        "jcs",
        "member",
        "S",
        "Director for Strategy, Plans and Policy, Joint Staff",
    ),
    DemoUser(
        "member.ic",
        "Hannah",
        "Vogel",
        "odni",
        "member",
        "S",
        "National Intelligence Officer, ODNI",
    ),
    DemoUser(
        "member.justice",
        "Rafael",
        "Ortiz",
        "justice",
        "member",
        "C",
        "Assistant Attorney General, Justice",
    ),
    DemoUser(
        "directorate",
        "Priya",
        "Raman",
        "nsc",
        "directorate",
        "S",
        "Director, Crisis Prevention and Response",
        lead=True,
    ),
    DemoUser("analyst.ic", "Tomas", "Novak", "odni", "analyst", "S", "Analyst, ODNI"),
    DemoUser("analyst.state", "Aisha", "Bello", "state", "analyst", "C", "Analyst, INR"),
    DemoUser("redteam", "Marcus", "Feld", "jcs", "red_team", "S", "Red-team reviewer, Joint Staff"),
    DemoUser("deputies", "Helen", "Cho", "nsc", "deputies", "S", "Deputies Committee secretariat"),
    DemoUser(
        "principals",
        "Victor",
        "Adeyemi",
        "nsc",
        "principals",
        "S",
        "Principals Committee secretariat",
    ),
    DemoUser("auditor", "Ruth", "Kowalski", "justice", "auditor", "CUI", "Inspector, oversight"),
    DemoUser(
        "api.usaid",
        "USAID",
        "Service",
        "usaid",
        "api_client",
        "U",
        "Service account of USAID's systems",
    ),
    DemoUser("admin", "System", "Administrator", "nsc", None, "U", "Administrator", superuser=True),
)
