"""Quarterly business reviews: packages generated from live data as of a date, published frozen,
shared with the partner's sponsors and admins."""
