{#-
  The safety net before the calls (int_call_legs_rejected, int_call_legs_unioned): a leg
  that lacks what a call needs is kept out of the calls and listed with its reason, so
  one source's bad record cannot break the invariants of the facts of every source.
-#}

{#- Why a canonical leg (a row of int_call_legs_staged) cannot be part of a call, or null. -#}
{% macro leg_rejection_code() -%}
case
    when landed_file_sha256 is null or record_no is null then 'no_lineage'
    when call_key_in_source is null then 'no_call_key'
    when started_at_utc is null or started_at_local is null then 'no_start_time'
end
{%- endmacro %}

{#- Each rejection code in words, for the people who read the findings. -#}
{% macro leg_rejection_reason(code) -%}
case {{ code }}
    when 'no_lineage' then 'no landed file or line: the raw row did not come from the loader'
    when 'no_call_key' then 'no call key: the record names no call it belongs to'
    when 'no_start_time' then 'no start time: the start field is missing or not a valid time'
    when 'unknown_source' then 'source not in config/sources.yml (or its site not in sites.yml)'
    when 'unrecorded_file' then 'landed file not recorded in raw.loaded_files'
end
{%- endmacro %}

{#-
  SQL selecting the landed files whose legs a build stages again: those holding a leg of
  the days being rebuilt (in the previous build of int_call_legs_unioned) and those
  loaded since that build. int_call_legs_unioned and int_call_legs_rejected stage the same.
-#}
{% macro restaged_files_sql(unioned) -%}
select legs.landed_file_sha256
from {{ unioned }} as legs
inner join {{ rebuild_scope_relation() }} as scope
    on legs.source_name = scope.source_name and legs.call_date_local = scope.call_date_local
union
select landed_file_sha256 from ({{ pending_files_sql() }})
{%- endmacro %}

{#-
  The raw tables of the PBX formats whose legs int_call_legs_staged holds: the sources
  upstream of it that carry the raw lineage columns (configuration and bookkeeping tables
  do not), found in the graph so that a new format is included by itself.
-#}
{% macro leg_raw_sources() -%}
{%- if not execute -%}{{ return([]) }}{%- endif -%}
{%- set upstream = {} -%}
{%- do _collect_upstream_sources('model.' ~ project_name ~ '.int_call_legs_staged', upstream, []) -%}
{%- set found = [] -%}
{%- for raw in upstream.values() | sort(attribute='name') -%}
    {%- set relation = api.Relation.create(database=raw.database, schema=raw.schema, identifier=raw.identifier) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if ['_source', '_file_sha256', '_landed_path', '_record_no'] | reject('in', columns) | list | length == 0 -%}
        {%- do found.append(raw) -%}
    {%- endif -%}
{%- endfor -%}
{{ return(found) }}
{%- endmacro %}

{% macro _collect_upstream_sources(node_id, found, seen) -%}
{%- for parent_id in graph.nodes[node_id].depends_on.nodes if parent_id not in seen -%}
    {%- do seen.append(parent_id) -%}
    {%- if parent_id in graph.sources -%}
        {%- do found.update({parent_id: graph.sources[parent_id]}) -%}
    {%- elif parent_id in graph.nodes -%}
        {%- do _collect_upstream_sources(parent_id, found, seen) -%}
    {%- endif -%}
{%- endfor -%}
{%- endmacro %}

{#-
  Raw records that int_call_legs_staged cannot join: their source is not configured (or
  its site is not), or their landed file is not in raw.loaded_files. Only the lineage
  columns are read, which every raw table has.
-#}
{% macro unmatched_raw_records(configured_sources, loaded_files) -%}
{%- set raw_tables = leg_raw_sources() -%}
{%- for raw in raw_tables %}
select
    records._source as source_name,
    '{{ raw.name }}' as pbx_format,
    records._file_sha256 as landed_file_sha256,
    records._landed_path as landed_path,
    records._record_no as record_no,
    case when configured.source_name is null then 'unknown_source' else 'unrecorded_file' end as reason_code
from {{ raw.relation_name }} as records
left join {{ configured_sources }} as configured on records._source = configured.source_name
left join {{ loaded_files }} as loaded
    on records._source = loaded.source_name and records._file_sha256 = loaded.landed_file_sha256
where configured.source_name is null or loaded.landed_file_sha256 is null
{% if not loop.last %}union all{% endif %}
{%- else %}
select
    cast(null as varchar) as source_name, cast(null as varchar) as pbx_format,
    cast(null as varchar) as landed_file_sha256, cast(null as varchar) as landed_path,
    cast(null as bigint) as record_no, cast(null as varchar) as reason_code
where false
{%- endfor %}
{%- endmacro %}

{#-
  Which rows of int_call_legs_rejected a build replaces: the unmatched raw records (found
  again in every build) and the legs of the files it stages again; everything when
  int_call_legs_unioned has no previous build (it stages every file then).
-#}
{% macro rejected_legs_replaced_predicate() -%}
{%- set unioned = previous_build('intermediate', 'int_call_legs_unioned') -%}
{%- if unioned is none -%}true{%- else -%}
reason_code in ('unknown_source', 'unrecorded_file')
    or landed_file_sha256 in ({{ restaged_files_sql(unioned) }})
    or {{ reprocessed_sources_predicate('source_name') }}
{%- endif -%}
{%- endmacro %}
