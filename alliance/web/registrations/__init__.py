"""Registration pages: partners register deals, projects and influence and follow them in the
portal (`portal.py`); the channel team reviews them in the console (`console.py`); both show the
same detail page (`detail.py`). `web/routes.py` mounts the portal and the console routers."""
