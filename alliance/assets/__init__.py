"""The reference architecture and solution accelerator library: versioned assets, entitlement by
partner type, tier and certification, search, usage and partner contributions."""
