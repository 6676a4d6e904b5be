"""Demo and benchmark data: a believable vendor built through the services, and bulk synthetic rows."""
