{#-
  The checks of single records of a PBX format's staging model, in one test: columns that must
  be set (not_null) and columns whose value must be one of a list (accepted_values, a null
  passes as in dbt's own). One test per model instead of one per column and check: each test
  is a dbt node with its own cost (~0.1 s a build) and a Dagster check, and these run in every
  build. A failing row is one (record, check): the record's source, landed file and line, and
  the check's own name (record_check_list), the name dbt gives the single-column test.
  The records are read once, for every check together.
-#}
{% test record_checks(model, not_null=[], accepted_values={}) %}
{%- set checks = record_check_list(tested_model_name(), not_null, accepted_values) -%}
with failing as (
    select
        source_name,
        landed_file_sha256,
        landed_path,
        record_no,
        {%- for check in checks %}
        case when {{ check.predicate }} then 1 else 0 end as fails_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where {% for check in checks %}({{ check.predicate }}){{ " or " if not loop.last }}{% endfor %}
)

{% for check in checks -%}
select
    source_name,
    landed_file_sha256,
    landed_path,
    record_no,
    '{{ check.name }}' as check_name,
    '{{ check.description }}' as check_description
from failing
where fails_{{ loop.index }} = 1
{{ "union all" if not loop.last }}
{% endfor -%}
{% endtest %}
