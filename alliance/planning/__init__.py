"""Practice development: joint business plans (and, in later increments, MDF and ramp analytics)."""
