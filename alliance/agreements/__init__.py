"""Two-sided agreements (co-delivery plans, joint business plans): versions both sides sign."""
