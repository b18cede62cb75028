"""dbt's ``modules`` (the Python modules dbt lends its Jinja) for sqlfluff (dbt_project/.sqlfluff)."""

import datetime

__all__ = ["datetime"]
