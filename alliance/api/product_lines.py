from __future__ import annotations

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.partners import product_line_service
from alliance.partners.models import ProductLine
from alliance.partners.schemas import ProductLineCreate, ProductLineRead, ProductLineUpdate

router = api_router(tags=["product_lines"])


@router.get("/product-lines", response_model=PageRead[ProductLineRead], openapi_extra=allowed(Permission.PROGRAMS_READ))
def list_product_lines(session: DbSession, actor: CurrentActor, page: PageParams, active: bool | None = None) -> dict[str, object]:
    """The vendor's product lines (every signed-in user)."""
    return product_line_service.list_product_lines(session, actor, active=active, page=page).as_response()


@router.post("/product-lines", response_model=ProductLineRead, status_code=201, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def create_product_line(data: ProductLineCreate, session: DbSession, actor: CurrentActor) -> ProductLine:
    """Program admins only."""
    return product_line_service.create_product_line(session, actor, data=data)


@router.patch("/product-lines/{product_line_id}", response_model=ProductLineRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def update_product_line(product_line_id: IdPath, data: ProductLineUpdate, session: DbSession, actor: CurrentActor) -> ProductLine:
    """Rename or retire a product line (program admins only); the key never changes."""
    return product_line_service.update_product_line(session, actor, product_line_id=product_line_id, data=data)
