{#-
  Each call's local date (the key of dim_date) and the band of its local start time at
  its site: holiday, weekend, lunch, business_hours or after_hours (see macro time_band).
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select calls.*
    from {{ ref('int_calls_merged') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
),

calendars as (
    select * from {{ ref('stg_geography__site_calendars') }}
),

holidays as (
    select * from {{ ref('stg_geography__public_holidays') }}
)

select
    calls.call_id,
    calls.source_name,
    calls.site_id,
    cast(calls.started_at_local as date) as call_date_local,
    calls.site_id || ':' || strftime(cast(calls.started_at_local as date), '%Y-%m-%d') as date_id,
    {{ time_band(
        'calls.started_at_local', 'holidays.date_id is not null',
        'calendars.business_opens', 'calendars.business_closes',
        'calendars.lunch_start', 'calendars.lunch_end'
    ) }} as time_band
from calls
inner join calendars on calls.site_id = calendars.site_id
left join holidays
    on calls.site_id = holidays.site_id
    and cast(calls.started_at_local as date) = holidays.holiday_date
{{ clustered_by_call_day() }}
