{#-
  Write-order evidence near each autumn clock change, one row per landed file, change and
  call (records of the call within a day of the change): what int_call_legs_staged needs to
  tell the two readings of the repeated hour apart when nothing in a record does.
  A PBX writes a call's records when the call ends, so in record order the calls' ends climb
  through the repeated hour and step back by the change when the clock goes back. The first
  call that shows the change has passed (its end steps back by more than the tolerance, or
  passes the repeated hour, or its own fields put it after the change) starts the part of the
  file written after the change: first_position_after_change, the same on every row of the
  file. went_back: the file shows the clock going back itself (a step back, or a record of its
  own in the second reading), so a file landed after it that holds the same night starts after
  the change (a stream rotated into chunks inside the repeated hour).
  Incremental by landed file: a file's evidence depends on its own records only, so a build
  analyses the files loaded since the facts were last built (all of them the first time).
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['source_name', 'landed_file_sha256'],
        on_schema_change='fail',
    )
}}

with legs as (
    select *
    from {{ ref('int_call_legs_mapped') }}
    where written_times <> 'utc'
        {% if is_incremental() -%}
        and {{
            in_files('landed_file_sha256', query_column('select landed_file_sha256 from (' ~ pending_files_sql() ~ ')'))
        }}
        {%- endif %}
),

legs_near_autumn_changes as (
    select *
    from ({{ legs_on_site_clock('legs') }}) as clocked
    where clock_change_kind = 'fold'
),

calls as (
    select
        source_name,
        landed_file_sha256,
        clock_changed_at_utc,
        call_key_in_source,
        max(landed_at) as landed_at,
        max(original_name) as original_name,
        max(ended_at_local) as call_end_local,
        max(record_no) as call_position,
        max(clock_local_from) as repeated_from,
        max(clock_local_to) as repeated_to,
        max(case when own_anchor_utc >= clock_changed_at_utc then 1 else 0 end) as known_after_change,
        max(case when own_anchor_utc >= clock_changed_at_utc and anchor_reading = 'repeated' then 1 else 0 end)
            as known_second_reading
    from legs_near_autumn_changes
    group by source_name, landed_file_sha256, clock_changed_at_utc, call_key_in_source
),

calls_in_order as (
    select
        *,
        max(call_end_local) over (
            partition by source_name, landed_file_sha256, clock_changed_at_utc
            order by call_position rows between unbounded preceding and 1 preceding
        ) as latest_end_before,
        min(call_end_local) over (
            partition by source_name, landed_file_sha256, clock_changed_at_utc
            order by call_position rows between 1 following and unbounded following
        ) as earliest_end_after
    from calls
),

calls_marked as (
    select
        *,
        call_end_local >= repeated_from
        and call_end_local < {{ plus_seconds('latest_end_before', '-' ~ write_order_tolerance_seconds()) }}
            as steps_back,
        known_after_change = 1 or call_end_local >= repeated_to as passed_change
    from calls_in_order
)

select
    source_name,
    landed_file_sha256,
    clock_changed_at_utc,
    call_key_in_source,
    landed_at,
    original_name,
    call_position,
    call_end_local,
    earliest_end_after,
    min(case when coalesce(steps_back, false) or passed_change then call_position end) over (
        partition by source_name, landed_file_sha256, clock_changed_at_utc
    ) as first_position_after_change,
    max(case when coalesce(steps_back, false) or known_second_reading = 1 then 1 else 0 end) over (
        partition by source_name, landed_file_sha256, clock_changed_at_utc
    ) = 1 as went_back
from calls_marked
