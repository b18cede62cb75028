{#-
  One row per call, as people understand calls, with its cost under the plan in force.
  Incremental by (source, local call date): see macros/rebuild_scope.sql.
-#}
-- depends_on: {{ ref('int_rebuild_scope') }}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select merged.*
    from {{ ref('int_calls_merged') }} as merged
    {{ rebuild_scope_join('merged.source_name', 'merged.call_date_local') }}
),

rated as (
    select rated.*
    from {{ ref('int_calls_rated') }} as rated
    {{ rebuild_scope_join('rated.source_name', 'rated.call_date_local') }}
),

trunks as (
    select * from {{ ref('stg_config__trunks') }}
),

parties as (
    select parties.*
    from {{ ref('int_call_parties_attributed') }} as parties
    {{ rebuild_scope_join('parties.source_name', 'parties.call_date_local') }}
),

destinations as (
    select destinations.*
    from {{ ref('int_call_destinations') }} as destinations
    {{ rebuild_scope_join('destinations.source_name', 'destinations.call_date_local') }}
),

time_bands as (
    select time_bands.*
    from {{ ref('int_call_time_bands') }} as time_bands
    {{ rebuild_scope_join('time_bands.source_name', 'time_bands.call_date_local') }}
)

select
    calls.call_id,
    calls.site_id,
    calls.source_name,
    calls.pbx_format,
    calls.started_at_utc,
    calls.started_at_local,
    calls.site_timezone,
    cast(calls.started_at_local as date) as call_date_local,
    calls.answered_at_utc,
    calls.ended_at_utc,
    calls.direction,
    calls.disposition,
    calls.caller_number,
    calls.called_number,
    case when calls.direction = 'outbound' then calls.external_number_e164 end as called_number_e164,
    case when calls.direction = 'inbound' then calls.external_number_e164 end as caller_number_e164,
    calls.extension,
    calls.first_called_extension,
    calls.final_extension,
    calls.transfer_chain,
    cast(greatest(calls.answered_leg_count - 1, 0) as integer) as transfer_count,
    calls.company_number_e164,
    calls.queue_name,
    parties.extension as booked_extension,
    parties.booking,
    parties.person_key,
    parties.person_id,
    parties.department_key,
    parties.department_id,
    parties.branch_key,
    destinations.destination_id,
    destinations.destination_category,
    destinations.country_code as remote_country_code,
    destinations.country_name as remote_country_name,
    destinations.region as remote_region,
    destinations.city as remote_city,
    destinations.is_premium,
    destinations.is_fraud_prone,
    time_bands.date_id,
    time_bands.time_band,
    calls.trunk_id,
    trunks.carrier,
    calls.account_code,
    calls.recording_ref,
    cast(calls.leg_count as integer) as leg_count,
    cast(
        date_diff('second', calls.started_at_utc, coalesce(calls.answered_at_utc, calls.ended_at_utc))
        as integer
    ) as ring_seconds,
    cast(calls.talk_seconds as integer) as talk_seconds,
    cast(calls.hold_seconds as integer) as hold_seconds,
    cast(calls.park_seconds as integer) as park_seconds,
    calls.released_by,
    cast(date_diff('second', calls.started_at_utc, calls.ended_at_utc) as integer) as duration_seconds,
    rated.tariff_plan,
    rated.destination,
    cast(rated.billed_seconds as integer) as billed_seconds,
    case
        when rated.call_id is not null then rated.cost
        when calls.direction = 'outbound' and calls.disposition = 'answered' then null
        else cast(0 as decimal(18, 4))
    end as cost,
    rated.currency,
    calls.quality_flags,
    calls.loaded_at
from calls
left join rated on calls.call_id = rated.call_id
left join trunks on calls.trunk_id = trunks.trunk_id
left join parties on calls.call_id = parties.call_id
left join destinations on calls.call_id = destinations.call_id
left join time_bands on calls.call_id = time_bands.call_id
{{ clustered_by_call_day() }}
