{#-
  When a test stores its failures (the data-quality tests, see dbt_project.yml), it keeps
  the failing rows whole, as dbt's own not_null does, instead of one row per bad value:
  rpt_data_quality_findings can then say which source, landed file and line each came from.
  Tests that do not store failures are dbt's own, unchanged.
-#}
{% macro duckdb__test_accepted_values(model, column_name, values, quote=True) -%}
{%- if should_store_failures() -%}
{%- set accepted -%}
{%- for value in values %}{% if quote %}'{{ value }}'{% else %}{{ value }}{% endif %}{{ ", " if not loop.last }}{% endfor -%}
{%- endset -%}
{{ failing_rows(model, column_name ~ ' not in (' ~ accepted ~ ')') }}
{%- else -%}
{{ dbt.default__test_accepted_values(model, column_name, values, quote) }}
{%- endif -%}
{%- endmacro %}

{% macro duckdb__test_unique(model, column_name) -%}
{%- if should_store_failures() -%}
{%- set repeated -%}
{{ column_name }} in (
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
    having count(*) > 1
)
{%- endset -%}
{{ failing_rows(model, repeated) }}
{%- else -%}
{{ dbt.default__test_unique(model, column_name) }}
{%- endif -%}
{%- endmacro %}

{% macro duckdb__test_not_null(model, column_name) -%}
{%- if should_store_failures() -%}
{{ failing_rows(model, column_name ~ ' is null') }}
{%- else -%}
{{ dbt.default__test_not_null(model, column_name) }}
{%- endif -%}
{%- endmacro %}

{#-
  The rows of `model` where `predicate` holds, whole. DuckDB reads every column of every row
  for `select * ... where` even when nothing matches (5.5 s for 8.4 M Asterisk records), so
  the failing rows are counted first, reading only the predicate's columns (0.6-1.5 s), and
  read whole only when there are any.
-#}
{% macro failing_rows(model, predicate) -%}
{%- set counted = 'select count(*) from ' ~ model ~ ' where ' ~ predicate -%}
{%- set none_fail = execute and (run_query(counted).columns[0].values()[0] == 0) -%}
select *
from {{ model }}
where {{ predicate }}
{%- if none_fail %}
limit 0  -- counted before: no row fails
{%- endif %}
{%- endmacro %}
