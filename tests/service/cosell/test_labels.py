from __future__ import annotations

from typing import Any

from sqlalchemy import event

from alliance.cosell.labels import service as label_service

# The fixtures are imported from test_engagements; tests name them as arguments.
from tests.service.cosell.test_engagements import account, staff, three_engagements  # noqa: F401


class TestLabelEngagements:
    def test_a_partner_names_its_own_engagements_only_in_one_query(self, unit, actors, db, three_engagements):  # noqa: F811
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        with unit(actors["a_user"]) as session:
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                labels = label_service.label_engagements(session, actors["a_user"], engagement_ids=[three_engagements[k] for k in ("a", "b", "open")])
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
        assert set(labels) == {three_engagements["a"]}
        # Vendor users are hidden from a partner's session; the staffed person's name is read past it.
        assert (labels[three_engagements["a"]].customer_name, labels[three_engagements["a"]].staffed_name) == ("Tenancy Alpha Hospital", "Paula PS")

    def test_vendor_users_name_every_engagement(self, unit, actors, three_engagements):  # noqa: F811
        with unit(actors["cam"]) as session:
            labels = label_service.label_engagements(session, actors["cam"], engagement_ids=[three_engagements[k] for k in ("a", "b", "open")])
        assert len(labels) == 3 and {label.staffed_name for label in labels.values()} == {"Paula PS"}
