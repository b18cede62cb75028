{#-
  Which (source, local call date) pairs this build rebuilds in the incremental call-level
  models (int_call_legs_unioned … fct_calls). Computed from what is cheap: the staged legs
  of the raw files loaded since the facts were last built, not from the merged calls.
  - the first build: every day there is;
  - an incremental run: for every call with a leg in a new file, the day it had in the
    previous build and the day it has now (a late leg may start before the first one); and
    for every Cisco UCM call a new CMR file measures (CMRs come as files of their own, often
    later than the CDRs), its day, so int_call_leg_quality joins the late CMRs;
  - reprocessing (vars reprocess_from/to, optional reprocess_source): also every day in
    the range, whether or not calls remain, so those days are replaced exactly.
  int_calls_merged of the previous build is read without ref: this model comes first.
-#}
-- depends_on: {{ ref('stg_cisco_cucm_cmr__quality') }}
-- depends_on: {{ ref('stg_config__sources') }}
{{ config(materialized='table') }}

{%- set reprocess_from = var('reprocess_from') -%}
{%- set reprocess_to = var('reprocess_to') -%}
{%- set reprocess_source = var('reprocess_source') -%}
{%- set facts = previous_build('marts', 'fct_calls') -%}
{%- set merged = previous_build('intermediate', 'int_calls_merged') -%}
{%- set incremental = facts is not none and merged is not none -%}
{%- if incremental -%}
{%- set pending = query_column('select landed_file_sha256 from (' ~ pending_files_sql() ~ ')') -%}
{#- only when CMR files came does the scope read the previous calls for them (a scan of all) -#}
{%- set pending_cmr = query_column(
    'select landed_file_sha256 from (' ~ pending_files_sql() ~ ") where pbx_format = 'cisco_cucm_cmr'"
) -%}
{%- endif %}

with pending_legs as (
    select source_name, call_id, started_at_local
    from {{ ref('int_call_legs_staged') }}
    {% if incremental -%}
    where {{ in_files('landed_file_sha256', pending) }}
    {%- endif %}
),

touched_calls as (
    select source_name, call_id, min(started_at_local) as started_at_local
    from pending_legs
    group by source_name, call_id
),

{% if incremental %}
{% if pending_cmr %}
measured_calls as (
    select distinct sources.site_id, quality.call_key_in_source
    from {{ ref('stg_cisco_cucm_cmr__quality') }} as quality
    inner join {{ ref('stg_config__sources') }} as sources on quality.source_name = sources.source_name
    where {{ in_files('quality.landed_file_sha256', pending_cmr) }}
),
{% endif %}

pending_days as (
    select
        touched.source_name,
        cast(least(touched.started_at_local, previous.started_at_local) as date) as call_date_local
    from touched_calls as touched
    left join {{ merged }} as previous on touched.call_id = previous.call_id
    union
    select previous.source_name, cast(previous.started_at_local as date) as call_date_local
    from {{ merged }} as previous
    where previous.call_id in (select touched_calls.call_id from touched_calls)
    {% if pending_cmr %}
    union
    select previous.source_name, previous.call_date_local
    from {{ merged }} as previous
    inner join measured_calls
        on previous.site_id = measured_calls.site_id
        -- the call key after '<source>:' in call_id: each side of the equality from one table, hashable
        and substr(previous.call_id, length(previous.source_name) + 2) = measured_calls.call_key_in_source
    where previous.pbx_format = 'cisco_cucm_cdr'
    {% endif %}
)
{% else %}
pending_days as (
    select source_name, cast(started_at_local as date) as call_date_local
    from touched_calls
)
{% endif %}

{% if reprocess_from %}
select sources.source_name, cast(days.day as date) as call_date_local
from {{ ref('stg_config__sources') }} as sources
cross join range(
    cast('{{ reprocess_from }}' as date),
    cast('{{ reprocess_to or reprocess_from }}' as date) + interval 1 day,
    interval 1 day
) as days (day)
{% if reprocess_source %}where sources.source_name = '{{ reprocess_source }}'{% endif %}
union
{% endif %}
select distinct source_name, call_date_local
from pending_days
