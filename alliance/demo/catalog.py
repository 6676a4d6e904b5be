"""What partner organisations look like: made-up firms, naming patterns, focus areas and job titles."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.partners.vocabulary import DeliveryRole


@dataclass(frozen=True)
class GlobalSI:
    display_name: str
    legal_name: str
    domain: str
    hq_country: str
    headcount: int  # consultants worldwide


# Invented firms, sized like the large consultancies that run vendor practices at scale.
GLOBAL_SIS = (
    GlobalSI("Halvorsen & Crane", "Halvorsen & Crane Consulting Group plc", "halvorsencrane.example", "GB", 48_000),
    GlobalSI("Tessellate Global Services", "Tessellate Global Services Ltd", "tessellate.example", "IN", 126_000),
    GlobalSI("Meridian Arc Consulting", "Meridian Arc Consulting, Inc.", "meridianarc.example", "US", 67_000),
    GlobalSI("Corvane Group", "Corvane Group SE", "corvane.example", "FR", 38_500),
    GlobalSI("Ishikari Systems Integration", "Ishikari Systems Integration K.K.", "ishikari-si.example", "JP", 23_000),
    GlobalSI("Brightwater Digital", "Brightwater Digital Holdings, Inc.", "brightwaterdigital.example", "US", 31_000),
)

# Vertical SIs: the industry, words firms in it name themselves with, and the compliance-heavy
# specialties their certification tracks revolve around.
VERTICAL_FOCUS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "healthcare": (
        ("Health Systems", "Clinical Informatics", "Care Technologies", "HealthTech Consulting", "Medical IT"),
        ("HIPAA compliance", "EHR integration", "clinical data", "HL7 FHIR interfaces", "patient engagement"),
    ),
    "financial services": (
        ("Financial Technologies", "Capital Systems", "FinServ Consulting", "Banking Solutions", "Risk Partners"),
        ("PCI DSS", "core banking integration", "regulatory reporting", "fraud analytics", "payments"),
    ),
    "government": (
        ("Public Sector Solutions", "Civic Systems", "GovTech Partners", "Public Services Consulting"),
        ("sovereign cloud", "records management", "accessibility compliance", "citizen services", "case management"),
    ),
}

# Technology SIs: the speciality, naming words, and the neighbouring skills they usually add.
TECHNOLOGY_FOCUS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cloud migration": (
        ("Cloud Partners", "Cloudworks", "Migration Services", "Cloud Engineering"),
        ("application modernization", "DevOps", "landing zones", "FinOps"),
    ),
    "security": (
        ("Security", "Cyber Defense", "SecOps", "Cybersecurity"),
        ("identity & access", "zero trust", "SIEM integration", "incident response"),
    ),
    "data & analytics": (
        ("Data & Analytics", "Analytics", "Data Labs", "Insights"),
        ("data platform", "AI & machine learning", "data governance", "streaming"),
    ),
    "networking": (
        ("Networks", "Network Engineering", "Connectivity", "Netcom"),
        ("SD-WAN", "edge & IoT", "observability", "network automation"),
    ),
}

REGIONAL_SI_WORDS = ("Consulting", "Digital", "Solutions", "Systems", "Technology Partners", "Advisory", "IT Services", "Integration", "Labs", "Group")
RESELLER_WORDS = ("IT Solutions", "Business Technology", "Computer Group", "Software Solutions", "Tech Direct", "Business Systems", "IT Supply")
MSP_WORDS = ("Managed Services", "Cloud Services", "IT Operations", "Managed IT", "Hosting", "Cloud Operations")
DISTRIBUTOR_WORDS = ("Distribution", "Technology Distribution", "Software Distribution", "Trade Partners")

VERTICALS = (
    "healthcare",
    "financial services",
    "government",
    "retail",
    "manufacturing",
    "energy & utilities",
    "telecommunications",
    "life sciences",
    "education",
    "insurance",
    "transportation & logistics",
    "media",
)
SPECIALTIES = (
    "cloud migration",
    "security",
    "data & analytics",
    "networking",
    "application modernization",
    "integration",
    "ERP",
    "AI & machine learning",
    "DevOps",
    "identity & access",
    "observability",
    "edge & IoT",
)
RESELLER_SPECIALTIES = ("licensing", "renewals", "hardware bundles", "SMB sales", "public sector procurement", "software asset management")
MSP_SPECIALTIES = ("24x7 operations", "managed security", "backup & recovery", "cloud operations", "help desk", "FinOps")
DISTRIBUTOR_SPECIALTIES = ("reseller enablement", "marketplace", "logistics", "credit & financing", "partner recruitment")

# Delivery role → plausible job titles at a partner.
ROLE_TITLES: dict[DeliveryRole, tuple[str, ...]] = {
    DeliveryRole.SOLUTION_ARCHITECT: ("Solution Architect", "Principal Solution Architect", "Enterprise Architect", "Cloud Architect", "Lead Architect"),
    DeliveryRole.IMPLEMENTATION_ENGINEER: ("Implementation Engineer", "Senior Implementation Engineer", "Platform Engineer", "Technical Consultant"),
    DeliveryRole.INTEGRATION_SPECIALIST: ("Integration Specialist", "Integration Consultant", "API Integration Lead", "Data Migration Specialist"),
    DeliveryRole.PROJECT_MANAGER: ("Project Manager", "Delivery Manager", "Program Manager", "Engagement Manager"),
    DeliveryRole.SALES: ("Alliance Manager", "Account Executive", "Partner Sales Manager", "Business Development Manager"),
    DeliveryRole.PRACTICE_LEAD: ("Practice Lead", "Head of Cloud Practice", "Practice Director", "Alliance Director"),
}

# Who a partner lists, by kind of firm: SIs are delivery-heavy, resellers and distributors sales-heavy.
ROLE_MIX: dict[str, tuple[tuple[DeliveryRole, int], ...]] = {
    "si": (
        (DeliveryRole.SOLUTION_ARCHITECT, 5),
        (DeliveryRole.IMPLEMENTATION_ENGINEER, 6),
        (DeliveryRole.INTEGRATION_SPECIALIST, 4),
        (DeliveryRole.PROJECT_MANAGER, 3),
        (DeliveryRole.SALES, 1),
        (DeliveryRole.PRACTICE_LEAD, 1),
    ),
    "reseller": ((DeliveryRole.SALES, 6), (DeliveryRole.SOLUTION_ARCHITECT, 2), (DeliveryRole.IMPLEMENTATION_ENGINEER, 1), (DeliveryRole.PRACTICE_LEAD, 1)),
    "msp": (
        (DeliveryRole.IMPLEMENTATION_ENGINEER, 5),
        (DeliveryRole.SOLUTION_ARCHITECT, 2),
        (DeliveryRole.SALES, 2),
        (DeliveryRole.PROJECT_MANAGER, 1),
        (DeliveryRole.INTEGRATION_SPECIALIST, 1),
    ),
    "distributor": ((DeliveryRole.SALES, 5), (DeliveryRole.SOLUTION_ARCHITECT, 2), (DeliveryRole.PRACTICE_LEAD, 1)),
}

PARTNER_EXECUTIVE_TITLES = (
    "Chief Executive Officer",
    "Managing Partner",
    "Chief Technology Officer",
    "EVP, Alliances",
    "Managing Director",
    "Chief Operating Officer",
)
