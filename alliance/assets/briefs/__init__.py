"""Co-branded solution briefs: vendor templates rendered with a partner's own facts merged in."""
