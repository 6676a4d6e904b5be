"""End customers: vendor-owned master data, matching, ownership and CSV import."""
