"""Tables show community names; a district-wide item (the ATM) says so instead of 'sin dato'."""

from __future__ import annotations

import pandas as pd

from propilas.core.labels import t
from propilas.run.context import StageContext


class _Ctx:
    lang = "es"

    def t(self, key, **fmt):
        return t(key, self.lang, **fmt)


def test_atm_rows_belong_to_the_whole_district():
    plan = pd.DataFrame({"community_id": ["c1", None, None], "system_id": ["s1", None, None],
                         "intervention": ["rehabilitation", "atm", "new_system"], "rank": [3.0, float("nan"), float("nan")]})
    comm = pd.DataFrame({"community_id": ["c1"], "name": ["Chamis"]})
    out = StageContext.with_names(_Ctx(), plan, comm)
    assert out["community"].tolist()[:2] == ["Chamis", "todo el distrito"]
    assert out["system_id"].tolist()[:2] == ["s1", "no aplica"]
    assert out["rank"].tolist()[:2] == ["3", "no aplica"] and pd.isna(out["rank"].iloc[2])
    # an item of no known community that is not district-wide stays unknown (shown 'sin dato')
    assert pd.isna(out["community"].iloc[2]) and pd.isna(out["system_id"].iloc[2])
