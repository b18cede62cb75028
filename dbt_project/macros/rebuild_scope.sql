{#-
  Incremental call-level models by (source, local call date): the days listed in
  int_rebuild_scope are deleted and rebuilt whole, so a reprocessed range is replaced
  exactly and the rest is untouched. Every such model carries source_name and
  call_date_local (the local date of the call's first leg).
  int_call_legs_unioned (first in the chain) and the facts declare
      -- depends_on: {{ ref('int_rebuild_scope') }}
  the models between them come after it through int_call_legs_unioned, and their unit
  tests (never incremental) need no scope fixture: the scope is addressed directly.
-#}
{% macro incremental_by_rebuild_scope() -%}
{{ incremental_replacing("
    delete from {{ this }} as facts
    using {{ rebuild_scope_relation() }} as scope
    where facts.source_name = scope.source_name
      and facts.call_date_local = scope.call_date_local
") }}
{%- endmacro %}

{#-
  An incremental table that appends what a build makes after deleting what it replaces:
  `delete` is a statement rendered when the pre-hook runs, in incremental runs only.
-#}
{% macro incremental_replacing(delete) -%}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}" ~ delete ~ "{% endif %}",
    )
}}
{%- endmacro %}

{#- Keep only rows whose (source, local call date) is being rebuilt, in incremental runs. -#}
{% macro rebuild_scope_join(source_column, date_column) -%}
{% if is_incremental() %}
inner join {{ rebuild_scope_relation() }} as rebuild_scope
    on {{ source_column }} = rebuild_scope.source_name
    and {{ date_column }} = rebuild_scope.call_date_local
{% endif %}
{%- endmacro %}

{#- int_rebuild_scope of this build (it is built before every incremental model that reads it). -#}
{% macro rebuild_scope_relation() -%}
{{ return(api.Relation.create(database=target.database, schema='intermediate', identifier='int_rebuild_scope')) }}
{%- endmacro %}

{#- The relation of a model built by an earlier run, or none (read without ref: no cycle). -#}
{% macro previous_build(schema, identifier) -%}
{{ return(adapter.get_relation(database=target.database, schema=schema, identifier=identifier)) }}
{%- endmacro %}

{#-
  Raw files loaded since the call facts were last built (all files before the first build):
  SQL selecting (source_name, landed_file_sha256, pbx_format).
-#}
{% macro pending_files_sql() -%}
{%- set facts = previous_build('marts', 'fct_calls') -%}
select source as source_name, sha256 as landed_file_sha256, format as pbx_format
from {{ source('raw', 'loaded_files') }}
{% if facts is not none -%}
where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ facts }})
{%- endif %}
{%- endmacro %}

{#- The first column of a query's rows as a list (empty while dbt only parses). -#}
{% macro query_column(sql) -%}
{%- if not execute -%}{{ return([]) }}{%- endif -%}
{{ return(run_query(sql).columns[0].values() | list) }}
{%- endmacro %}

{#-
  A predicate on landed_file_sha256 as literals, so that DuckDB filters the raw tables
  before the staging views parse them (a semi-join would parse every row first).
-#}
{% macro in_files(column, shas) -%}
{%- if shas | length == 0 -%}false{%- else -%}
{{ column }} in ({% for sha in shas %}'{{ sha }}'{{ ", " if not loop.last }}{% endfor %})
{%- endif -%}
{%- endmacro %}

{#-
  The files int_call_legs_staged stages in an incremental build (a predicate on
  landed_file_sha256 and source_name): those loaded since the facts were last built, and
  while reprocessing every file of the reprocessed source(s). Its pre-hook deletes the same.
-#}
{% macro newly_staged_predicate() -%}
{%- set files = query_column('select landed_file_sha256 from (' ~ pending_files_sql() ~ ')') -%}
({{ in_files('landed_file_sha256', files) }} or {{ reprocessed_sources_predicate('source_name') }})
{%- endmacro %}

{#- While reprocessing, every leg of the reprocessed source(s) is staged again from raw. -#}
{% macro reprocessed_sources_predicate(column) -%}
{%- if not var('reprocess_from') -%}false
{%- elif var('reprocess_source') -%}{{ column }} = '{{ var('reprocess_source') }}'
{%- else -%}true
{%- endif -%}
{%- endmacro %}

{#-
  The (site_id, call_date_local) pairs whose missed calls this build rebuilds: for every
  (source, day) of the scope, its site's days from the follow-up window (plus one day: local
  dates against UTC instants) before it up to the day itself, so a call that follows up an
  earlier missed call, or is one, is seen. SQL selecting (site_id, call_date_local).
-#}
{% macro missed_call_rebuild_days() -%}
{%- set window = var('missed_call_follow_up_days', 7) + 1 -%}
select distinct
    sources.site_id,
    cast({{ dbt.dateadd('day', '-days_back.days', 'scope.call_date_local') }} as date) as call_date_local
from {{ rebuild_scope_relation() }} as scope
inner join {{ ref('stg_config__sources') }} as sources on scope.source_name = sources.source_name
cross join (
    {% for days in range(window + 1) -%}
    select {{ days }} as days{{ " union all " if not loop.last }}
    {%- endfor %}
) as days_back
{%- endmacro %}

{#-
  The order a call-level table is written in: by local call day, then source. DuckDB keeps the
  minimum and maximum of every column per row group and skips row groups outside a filter, and
  a join to int_rebuild_scope filters on the scope's days: with the rows in day order, a build
  that rebuilds two days reads a few row groups of its inputs. Written in any other order, a
  day's calls are spread over every row group of the table and each scoped read decompresses
  all of them (fct_calls at 10 M calls: 0.22 s -> 0.01 s; its checkpoint after replacing the
  days 2.7 s -> 1.4 s). Appended days stay together, so the order holds as builds go on.
-#}
{% macro clustered_by_call_day() -%}
order by call_date_local, source_name
{%- endmacro %}

{#- The tables incremental by (source, call_date_local). -#}
{% macro rebuild_scoped_tables() -%}
{{ return([
    'int_call_legs_unioned', 'int_calls_merged', 'int_calls_rated', 'int_call_numbers',
    'int_call_destinations', 'int_call_time_bands', 'int_call_parties_attributed',
    'int_call_leg_quality', 'int_call_party_shares', 'int_call_legs_off_trunk', 'fct_calls', 'fct_call_legs', 'fct_inbound_service',
    'fct_missed_calls', 'fct_call_cost_allocation',
]) }}
{%- endmacro %}

{#-
  Generic data tests read the tested table through this macro (dbt's get_where_subquery).
  On a table incremental by the scope, they check only the days this build rebuilt: the
  other days passed when they were built and have not changed since, and a key (call_id,
  leg_id) belongs to one call day only, so unique holds table-wide. A full refresh, or
  the first build (whose scope is every day), checks every row. A per-record test on a PBX
  format's staging model checks the files this build stages (macros/record_tests.sql).
-#}
{% macro duckdb__get_where_subquery(relation) -%}
{%- if relation.identifier in rebuild_scoped_tables() and not flags.FULL_REFRESH -%}
    {{ return(rebuilt_rows(relation, config.get('where', ''))) }}
{%- elif is_per_record_staging_test(model) -%}
    {{ return(newly_staged_records(relation, config.get('where', ''))) }}
{%- endif -%}
{{ return(dbt.default__get_where_subquery(relation)) }}
{%- endmacro %}

{#-
  A table keyed by `key` whose rows are derived from the distinct keys of the model `upstream`, one
  row per key and never changing for a key (dim_destination, int_destinations_classified):
  an incremental run appends the keys it has not seen (new_keys_only) and deletes the keys
  `upstream` no longer has, so it holds what a full build of the same data would. With an
  empty scope `upstream` has not changed, and the delete (a scan of all of it) is skipped.
-#}
{% macro incremental_by_new_keys(key, upstream) -%}
{#- upstream: a model's name, referred to when the hook runs (ref() while parsing names no table) -#}
{{ incremental_replacing("
    {% if not rebuild_scope_is_empty() %}
    delete from {{ this }} as kept
    where not exists (
        select 1 from {{ ref('" ~ upstream ~ "') }} as current where current." ~ key ~ " = kept." ~ key ~ "
    )
    {% endif %}
") }}
{%- endmacro %}

{#- In an incremental run of incremental_by_new_keys: keep only keys this table does not hold yet. -#}
{% macro new_keys_only(column, key) -%}
{% if is_incremental() -%}
and not exists (select 1 from {{ this }} as kept where kept.{{ key }} = {{ column }})
{%- endif %}
{%- endmacro %}

{#-
  The run's end hook: a run that built a call-level model without int_rebuild_scope_log (a selection
  such as `-s fct_inbound_service+`, maybe with --full-refresh) may have changed days the log does
  not list, so it logs an 'everything' row: the next publish compares every group.
-#}
{% macro log_unlogged_rebuilds(results) -%}
{%- if execute and flags.WHICH in ('run', 'build', 'retry') -%}
{%- set log = previous_build('intermediate', 'int_rebuild_scope_log') -%}
{%- set models = results | selectattr('node.resource_type', 'equalto', 'model') | list -%}
{%- set scoped = models | selectattr('node.name', 'in', rebuild_scoped_tables())
    | rejectattr('status', 'equalto', 'skipped') | list -%}
{%- set logged = models | selectattr('node.name', 'equalto', 'int_rebuild_scope_log')
    | selectattr('status', 'equalto', 'success') | list -%}
{%- if log is not none and scoped and not logged -%}
insert into {{ log }} (build_id, invocation_id, built_at, entry, source_name, call_date_local)
select
    coalesce(max(build_id), 0) + 1, '{{ invocation_id }}', {{ dbt.current_timestamp() }}, 'everything', null, null
from {{ log }}
{%- endif -%}
{%- endif -%}
{%- endmacro %}

{#-
  A daily table aggregated by local day (and site …) from tables incremental by the scope
  (rpt_calls_daily, rpt_inbound_service_daily): a day may combine several sources, so a build
  deletes every row of each day the scope has (for any source) and aggregates those days
  again from all their calls. Keyed by the day alone, it needs no source-to-site mapping.
-#}
{% macro incremental_by_rebuilt_days() -%}
{{ incremental_replacing("
    delete from {{ this }} as report
    where report.call_date_local in (select scope.call_date_local from {{ rebuild_scope_relation() }} as scope)
") }}
{%- endmacro %}

{#- Whether this build's int_rebuild_scope is empty (nothing to rebuild); false while dbt only parses. -#}
{% macro rebuild_scope_is_empty() -%}
{%- set counts = query_column('select count(*) from ' ~ rebuild_scope_relation()) -%}
{{ return(counts | length > 0 and counts[0] == 0) }}
{%- endmacro %}

{#- The rows of a table incremental by the scope whose (source, local day) this build rebuilt. -#}
{% macro rebuilt_rows(relation, where='') -%}
(select * from (
    select tested.* from {{ relation }} as tested
    semi join {{ rebuild_scope_relation() }} as scope
        on tested.source_name = scope.source_name and tested.call_date_local = scope.call_date_local
) {% if where %}where {{ where }}{% endif %}) dbt_subquery
{%- endmacro %}

{#-
  relationships from one table incremental by the scope to another (a leg's call, a missed
  call's call): a row and the row it refers to are of one call, and so of one (source, local
  day). The child's rows are those of the rebuilt days (get_where_subquery above), and so are
  the parent's: the whole parent (10 M calls) was read for the keys of two days.
-#}
{% macro duckdb__test_relationships(model, column_name, to, field) -%}
{%- set scoped = rebuild_scoped_tables() -%}
{%- if to.identifier in scoped and tested_model_name() in scoped and not flags.FULL_REFRESH -%}
{{ dbt.default__test_relationships(model, column_name, rebuilt_rows(to), field) }}
{%- else -%}
{{ dbt.default__test_relationships(model, column_name, to, field) }}
{%- endif -%}
{%- endmacro %}
