"""Early-access (beta) programs per product release: applications, enrolment, pre-release assets, feedback."""
