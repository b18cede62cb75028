{#-
  The data-quality tests (severity warn, failures stored: dbt_project.yml) and the tables
  holding their failing rows from the last time they ran: [{test, stored, columns}].
  Read at execution from the graph, so a new data-quality test is included by itself.
-#}
{% macro data_quality_tests() -%}
{%- if not execute -%}{{ return([]) }}{%- endif -%}
{%- set tests = [] -%}
{%- for test in graph.nodes.values() | sort(attribute='name')
    if test.resource_type == 'test' and (test.config.severity | lower) == 'warn' and test.config.store_failures -%}
    {%- do tests.append(test) -%}
{%- endfor -%}
{%- set catalog = stored_failure_columns(tests) -%}
{%- set found = [] -%}
{%- for test in tests -%}
    {%- set columns = catalog.get((test.schema ~ '.' ~ test.alias) | lower, []) -%}
    {%- if columns -%}
        {%- set stored = api.Relation.create(database=test.database, schema=test.schema, identifier=test.alias) -%}
        {%- do found.append({'test': test, 'stored': stored, 'columns': columns}) -%}
    {%- endif -%}
{%- endfor -%}
{{ return(found) }}
{%- endmacro %}

{#-
  The columns of the tables holding the tests' failing rows, in order: {'schema.table': [column]}
  (lower case). Not adapter.get_relation: its cache, filled when the build starts, misses the
  tables the tests of this build created. A table that does not exist has no entry.
-#}
{% macro stored_failure_columns(tests) -%}
{{ return(adapter.dispatch('stored_failure_columns')(tests)) }}
{%- endmacro %}

{#- One catalog lookup per table. -#}
{% macro default__stored_failure_columns(tests) -%}
{%- set catalog = {} -%}
{%- for test in tests -%}
    {%- set stored = api.Relation.create(database=test.database, schema=test.schema, identifier=test.alias) -%}
    {%- set columns = adapter.get_columns_in_relation(stored) | map(attribute='name') | map('lower') | list -%}
    {%- if columns -%}{%- do catalog.update({(test.schema ~ '.' ~ test.alias) | lower: columns}) -%}{%- endif -%}
{%- endfor -%}
{{ return(catalog) }}
{%- endmacro %}

{#- DuckDB: one query of the information schema for all of them (a lookup per table cost ~1 s a build). -#}
{% macro duckdb__stored_failure_columns(tests) -%}
{%- set schemas = tests | map(attribute='schema') | map('lower') | unique | list -%}
{%- set catalog = {} -%}
{%- if schemas -%}
    {%- set columns -%}
        select lower(table_schema) || '.' || lower(table_name) as stored, lower(column_name) as column_name
        from information_schema.columns
        where table_catalog = current_database() and lower(table_schema) in ('{{ schemas | join("', '") }}')
        order by table_schema, table_name, ordinal_position
    {%- endset -%}
    {%- for row in run_query(columns) -%}
        {%- do catalog.setdefault(row[0], []).append(row[1]) -%}
    {%- endfor -%}
{%- endif -%}
{{ return(catalog) }}
{%- endmacro %}

{#- What a person looks up for a failing row: its landed file and line when it has them. -#}
{% macro finding_example_key(columns, column_name) -%}
{%- if 'landed_path' in columns and 'record_no' in columns -%}
landed_path || ' line ' || cast(record_no as varchar)
{%- elif 'leg_id' in columns -%}
leg_id
{%- elif column_name and (column_name | lower) in columns -%}
cast({{ adapter.quote(column_name | lower) }} as varchar)
{%- else -%}
cast({{ adapter.quote(columns[0]) }} as varchar)
{%- endif -%}
{%- endmacro %}

{#-
  One row per stored failing row of every data-quality test, in the findings' shape; the
  per-record staging tests' from int_staging_test_failures, where every tested file's are kept.
-#}
{% macro data_quality_test_failures() -%}
{%- for found in data_quality_tests() if not is_per_record_staging_test(found.test) -%}
{%- set test = found.test -%}
{%- set tested = graph.nodes.get(test.attached_node) -%}
select
    'test' as finding_kind,
    {{ 'source_name' if 'source_name' in found.columns else 'cast(null as varchar)' }} as source_name,
    '{{ tested.name if tested else "" }}' as model_name,
    '{{ test.name }}' as check_name,
    '{{ test_check_description(test) }}' as check_description,
    {{ finding_example_key(found.columns, test.column_name) }} as example_key,
    '{{ found.stored.schema }}.{{ found.stored.identifier }}' as details_relation
from {{ found.stored }}
union all
{% endfor -%}
select
    cast(null as varchar) as finding_kind,
    cast(null as varchar) as source_name,
    cast(null as varchar) as model_name,
    cast(null as varchar) as check_name,
    cast(null as varchar) as check_description,
    cast(null as varchar) as example_key,
    cast(null as varchar) as details_relation
where false
{%- endmacro %}
