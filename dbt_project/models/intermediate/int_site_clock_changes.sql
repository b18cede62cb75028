{#-
  Every change of a site's UTC offset (daylight saving on and off, or a new standard
  offset) between the years clock_changes_from_year and clock_changes_to_year, to the
  minute, as the engine's time-zone database knows it; one row per site and change.
  - fold: the clock went back (offset_before > offset_after); the wall-clock times in
    [local_from, local_to) happened twice, first at offset_before, then at offset_after;
  - gap: the clock went forward; the wall-clock times in [local_from, local_to) never happened.
  Found by asking the engine only UTC -> local (a function): the offset at each UTC
  midnight, then each hour, then each minute of the days whose offset differs at both ends.
  Assumes at most one change per site per UTC day (true of every zone since 1970).
-#}
{%- set first_day = modules.datetime.date(var('clock_changes_from_year', 1990), 1, 1) -%}
{%- set last_day = modules.datetime.date(var('clock_changes_to_year', 2060), 12, 31) -%}

with sites as (
    select site_id, site_timezone from {{ ref('stg_config__sites') }}
),

day_numbers as (
    {{ dbt.generate_series((last_day - first_day).days + 1) }}
),

days as (
    select {{ dbt.dateadd('day', 'generated_number - 1', "cast('" ~ first_day ~ " 00:00:00' as timestamp)") }}
        as day_start_utc
    from day_numbers
),

steps as (
    select generated_number as step from ({{ dbt.generate_series(60) }}) as numbers
),

changed_days as (
    select site_id, site_timezone, day_start_utc, offset_before, offset_after
    from (
        select
            sites.site_id,
            sites.site_timezone,
            days.day_start_utc,
            {{ utc_offset_seconds('days.day_start_utc', 'sites.site_timezone') }} as offset_before,
            {{ utc_offset_seconds(dbt.dateadd('day', 1, 'days.day_start_utc'), 'sites.site_timezone') }}
                as offset_after
        from sites
        cross join days
    ) as daily
    where offset_before <> offset_after
),

{# the first whole hour of the day (1-24) at which the new offset holds: the change is in the hour before #}
changed_hours as (
    select
        changed_days.site_id,
        changed_days.site_timezone,
        changed_days.offset_before,
        changed_days.offset_after,
        {{ plus_seconds('changed_days.day_start_utc', '(min(steps.step) - 1) * 3600') }} as hour_start_utc
    from changed_days
    inner join steps on steps.step between 1 and 24
    where {{
        utc_offset_seconds(plus_seconds('changed_days.day_start_utc', 'steps.step * 3600'), 'changed_days.site_timezone')
    }}
        = changed_days.offset_after
    group by
        changed_days.site_id, changed_days.site_timezone, changed_days.offset_before,
        changed_days.offset_after, changed_days.day_start_utc
),

{# the first minute (1-60) of that hour at which the new offset holds is when it changed #}
changes as (
    select
        changed_hours.site_id,
        changed_hours.offset_before,
        changed_hours.offset_after,
        {{ plus_seconds('changed_hours.hour_start_utc', 'min(steps.step) * 60') }} as changed_at_utc
    from changed_hours
    cross join steps
    where {{
        utc_offset_seconds(plus_seconds('changed_hours.hour_start_utc', 'steps.step * 60'), 'changed_hours.site_timezone')
    }}
        = changed_hours.offset_after
    group by
        changed_hours.site_id, changed_hours.offset_before, changed_hours.offset_after,
        changed_hours.hour_start_utc
)

select
    site_id,
    changed_at_utc,
    offset_before as offset_before_seconds,
    offset_after as offset_after_seconds,
    case when offset_before > offset_after then 'fold' else 'gap' end as change_kind,
    {{ plus_seconds('changed_at_utc', 'least(offset_before, offset_after)') }} as local_from,
    {{ plus_seconds('changed_at_utc', 'greatest(offset_before, offset_after)') }} as local_to
from changes
