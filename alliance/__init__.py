"""Alliance: a partner program platform built for systems integrators."""

__version__ = "0.1.0"
