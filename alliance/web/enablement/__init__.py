"""Enablement pages: partners follow their people's certifications, learning and certified capacity
in the portal (`portal.py`); the channel team keeps the catalog, grades labs and reads portfolio
capacity in the console (`console.py`, one track's pages in `tracks.py`); `context.py` holds what
both show. `web/routes.py` mounts each page module's router."""
