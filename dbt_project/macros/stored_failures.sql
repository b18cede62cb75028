{#-
  When a test stores its failures (the data-quality tests, see dbt_project.yml), it keeps
  the failing rows whole, as dbt's own not_null does, instead of one row per bad value:
  rpt_data_quality_findings can then say which source, landed file and line each came from.
  Tests that do not store failures are dbt's own, unchanged.
-#}
{% macro duckdb__test_accepted_values(model, column_name, values, quote=True) -%}
{%- if should_store_failures() -%}
select *
from {{ model }}
where {{ column_name }} not in (
    {%- for value in values %}{% if quote %}'{{ value }}'{% else %}{{ value }}{% endif %}{{ ", " if not loop.last }}{% endfor -%}
)
{%- else -%}
{{ dbt.default__test_accepted_values(model, column_name, values, quote) }}
{%- endif -%}
{%- endmacro %}

{% macro duckdb__test_unique(model, column_name) -%}
{%- if should_store_failures() -%}
select *
from {{ model }}
where {{ column_name }} in (
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
    having count(*) > 1
)
{%- else -%}
{{ dbt.default__test_unique(model, column_name) }}
{%- endif -%}
{%- endmacro %}
