{#-
  Call legs against the clock changes of their site (docs/clock-changes.md), shared by
  int_clock_change_write_order and int_call_legs_staged so both read a leg the same way.
-#}

{#- Seconds a call's end may step back in write order without meaning the clock went back. -#}
{% macro write_order_tolerance_seconds() -%}300{%- endmacro %}

{#-
  The legs of a relation (int_call_legs_mapped, filtered) with their site, the clock change
  within a day of them (clock_* columns, null when none), their anchor (the end where the
  PBX writes it, else the start), how each time stands against the change, and the anchor's
  instant where the leg's own fields decide it (own_anchor_utc, by own_rule); for UTC
  formats own_rule is 'pbx_utc'. Both are null when only write order can tell.
-#}
{% macro legs_on_site_clock(legs) -%}
{%- set zone = 'site_timezone' -%}
select
    *,
    case
        when anchor_reading is null or anchor_reading <> 'repeated' then {{ unambiguous_utc('anchor_local', zone) }}
        when written_at_utc is not null then
            case
                when {{ plus_seconds(second_reading('started_at_local'), 'start_to_end') }}
                    <= {{ plus_seconds('written_at_utc', 2) }}
                    then {{ second_reading('started_at_local') }}
                else {{ first_reading('started_at_local') }}
            end
        when written_times in ('start_end', 'start_answer_end') and start_reading <> 'repeated'
            then {{ nearest_reading('ended_at_local', plus_seconds(unambiguous_utc('started_at_local', zone), 'start_to_end')) }}
        when epoch_reading = 'first' and written_times = 'start' then {{ first_reading('started_at_local') }}
        when epoch_reading = 'second' and written_times = 'start' then {{ second_reading('started_at_local') }}
        when epoch_reading = 'first'
            then {{ nearest_reading('anchor_local', plus_seconds(first_reading('started_at_local'), 'start_to_end')) }}
        when epoch_reading = 'second'
            then {{ nearest_reading('anchor_local', plus_seconds(second_reading('started_at_local'), 'start_to_end')) }}
        when spans_change then {{ second_reading('ended_at_local') }}
    end as own_anchor_utc,
    case
        when written_times = 'utc' then 'pbx_utc'
        when anchor_local is null then null
        when anchor_reading = 'skipped' then 'skipped_hour'
        when anchor_reading <> 'repeated' then 'unambiguous'
        when written_at_utc is not null then 'pbx_record_time'
        when written_times in ('start_end', 'start_answer_end') and start_reading <> 'repeated' then 'written_start'
        when epoch_reading is not null then 'pbx_epoch'
        when spans_change then 'spans_fold'
    end as own_rule
from (
    select
        *,
        {{ clock_reading('anchor_local') }} as anchor_reading,
        {{ clock_reading('started_at_local') }} as start_reading,
        case
            when abs({{ seconds_between('pbx_epoch_utc', first_reading('started_at_local')) }}) <= 2 then 'first'
            when abs({{ seconds_between('pbx_epoch_utc', second_reading('started_at_local')) }}) <= 2 then 'second'
        end as epoch_reading,
        {# start and end both in the repeated hour, and only "start first, end second" fits the record #}
        written_times in ('start_end', 'start_answer_end')
        and clock_change_kind = 'fold'
        and started_at_local >= clock_local_from and started_at_local < clock_local_to
        and ended_at_local >= clock_local_from and ended_at_local < clock_local_to
        and coalesce(
            case
                when start_to_end_seconds is not null then
                    abs({{ seconds_between(first_reading('started_at_local'), second_reading('ended_at_local')) }}
                        - start_to_end_seconds) <= 2
                    and abs({{ seconds_between('started_at_local', 'ended_at_local') }} - start_to_end_seconds) > 2
                else ended_at_local < started_at_local
            end,
            false
        ) as spans_change
    from (
        select
            legs.*,
            sites.site_id,
            sites.site_timezone,
            loaded_files.loaded_at,
            loaded_files.landed_at,
            loaded_files.original_name,
            change_days.change_kind as clock_change_kind,
            change_days.changed_at_utc as clock_changed_at_utc,
            change_days.offset_before_seconds as clock_offset_before,
            change_days.offset_after_seconds as clock_offset_after,
            change_days.local_from as clock_local_from,
            change_days.local_to as clock_local_to,
            case when legs.written_times = 'start' then legs.started_at_local else legs.ended_at_local end
                as anchor_local,
            {# start -> end as the record says; as the stamps say where it does not #}
            coalesce(legs.start_to_end_seconds, {{ seconds_between('legs.started_at_local', 'legs.ended_at_local') }})
                as start_to_end
        from {{ legs }} as legs
        inner join {{ ref('stg_config__sources') }} as sources on legs.source_name = sources.source_name
        inner join {{ ref('stg_config__sites') }} as sites on sources.site_id = sites.site_id
        inner join (
            select source as source_name, sha256 as landed_file_sha256, loaded_at, landed_at, original_name
            from {{ source('raw', 'loaded_files') }}
        ) as loaded_files
            on legs.source_name = loaded_files.source_name
            and legs.landed_file_sha256 = loaded_files.landed_file_sha256
        {# each change on the three local days around it, to meet a leg by (site, local day of its end) #}
        left join (
            select
                changes.*,
                cast({{ dbt.dateadd('day', 'shifts.shift', 'cast(changes.local_from as date)') }} as date) as leg_day
            from {{ ref('int_site_clock_changes') }} as changes
            cross join (select -1 as shift union all select 0 union all select 1) as shifts
        ) as change_days
            on sites.site_id = change_days.site_id
            and cast(coalesce(legs.ended_at_local, legs.started_at_local) as date) = change_days.leg_day
    ) as sited
) as readings
{%- endmacro %}
