"""The demo vendor's own people: fixed, so demo logins are the same on every run and every seed."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.identity.scope import Role

VENDOR_DOMAIN = "vendor.example"
DEMO_PASSWORD = "alliance-demo"


@dataclass(frozen=True)
class StaffMember:
    key: str
    email: str
    name: str
    title: str
    role: Role
    who: str  # how the demo output and the README describe this login


STAFF = (
    StaffMember("admin", f"admin@{VENDOR_DOMAIN}", "Jordan Ellis", "Partner Program Director", Role.PROGRAM_ADMIN, "Vendor program admin"),
    StaffMember("cam", f"cam@{VENDOR_DOMAIN}", "Maya Thompson", "Channel Account Manager, North America", Role.CAM, "Channel account manager, North America"),
    StaffMember("cam_emea", f"cam.emea@{VENDOR_DOMAIN}", "Lukas Brandt", "Channel Account Manager, EMEA", Role.CAM, "Channel account manager, EMEA"),
    StaffMember(
        "cam_apac", f"cam.apac@{VENDOR_DOMAIN}", "Aiko Tanaka", "Channel Account Manager, APAC & LATAM", Role.CAM, "Channel account manager, APAC & LATAM"
    ),
    StaffMember("alliances", f"alliances@{VENDOR_DOMAIN}", "Rafael Ortega", "Global Alliance Manager, GSIs", Role.CAM, "Channel account manager, Global SIs"),
    StaffMember("ps_lead", f"ps.lead@{VENDOR_DOMAIN}", "Hannah Okafor", "Director, Professional Services", Role.PS_LEAD, "Professional services lead"),
    StaffMember(
        "cosell", f"cosell@{VENDOR_DOMAIN}", "Sanjay Mehta", "Principal Solutions Engineer", Role.COSELL_RESOURCE, "Co-sell resource (solutions engineer)"
    ),
    StaffMember(
        "executive",
        f"exec@{VENDOR_DOMAIN}",
        "Catherine Wu",
        "SVP, Global Partners & Alliances",
        Role.EXECUTIVE,
        "Executive, vendor sponsor of strategic partners",
    ),
    StaffMember("auditor", f"auditor@{VENDOR_DOMAIN}", "Thomas Becker", "Internal Audit Manager", Role.AUDITOR, "Auditor (read-only)"),
)

# Channel coverage: GSIs have a dedicated alliance manager, everyone else the CAM for their HQ region.
CAM_FOR_REGION = {"NA": "cam", "EMEA": "cam_emea", "APAC": "cam_apac", "LATAM": "cam_apac"}
GSI_CAM = "alliances"

# Vendor-side executive sponsors: (name, title, staff key when the sponsor is also a user).
VENDOR_SPONSORS: tuple[tuple[str, str, str | None], ...] = (
    ("Catherine Wu", "SVP, Global Partners & Alliances", "executive"),
    ("Robert Hale", "Chief Revenue Officer", None),
    ("Michelle Grant", "VP Partners, Americas", None),
    ("Ingrid Solberg", "VP Partners, EMEA", None),
    ("Daniel Park", "VP Partners, APAC", None),
)
REGIONAL_SPONSOR = {"NA": 2, "LATAM": 2, "EMEA": 3, "APAC": 4}
