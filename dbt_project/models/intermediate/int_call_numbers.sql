{#-
  The remote party of each call, before classification: what was dialled (outbound,
  transit, internal) or who called (inbound). In order:
  - inbound: the caller, from the caller's number alone (external, or unknown when
    withheld); the extension or DID it rang never decides its class;
  - an internal call (it never left the PBX) that dialled one of the site's extensions
    is internal, even when those digits are also an emergency or service number;
  - emergency and service numbers are recognised from the dialled digits, with or
    without the access code, before any E.164 normalisation: 112 dialled out is
    emergency even where 112 is also an extension;
  - other internal calls and other extensions dialled are internal.
  destination_id keys dim_destination: site plus '+E.164', 'emergency:<digits>',
  'service:<digits>', 'internal' or 'unknown' (withheld or unusable number).
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select calls.*
    from {{ ref('int_calls_merged') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

ranges as (
    select * from {{ ref('stg_geography__site_number_ranges') }}
),

dialled as (
    select
        calls.call_id,
        calls.source_name,
        calls.call_date_local,
        calls.site_id,
        calls.direction,
        calls.external_number_e164,
        case
            when calls.external_number_e164 is null or length(calls.external_number_e164) < 4 then 'unknown'
            else 'external'
        end as number_kind,
        regexp_replace(coalesce(calls.called_number, ''), '[^0-9]', '', 'g') as called_digits,
        case
            when sites.access_code <> ''
                and starts_with(regexp_replace(coalesce(calls.called_number, ''), '[^0-9]', '', 'g'), sites.access_code)
                then substr(
                        regexp_replace(coalesce(calls.called_number, ''), '[^0-9]', '', 'g'),
                        length(sites.access_code) + 1
                    )
            else regexp_replace(coalesce(calls.called_number, ''), '[^0-9]', '', 'g')
        end as dialled_digits
    from calls
    inner join sites on calls.site_id = sites.site_id
),

short_numbers as (
    select
        dialled.call_id,
        min(ranges.range_kind) as short_number_kind,
        min(ranges.range_value) as short_number
    from dialled
    inner join ranges
        on dialled.site_id = ranges.site_id
        and ranges.range_kind in ('emergency', 'service')
        and ranges.range_value in (dialled.called_digits, dialled.dialled_digits)
    where dialled.direction in ('outbound', 'transit', 'internal')
    group by dialled.call_id
),

extensions_dialled as (
    select distinct dialled.call_id
    from dialled
    inner join ranges
        on dialled.site_id = ranges.site_id
        and ranges.range_kind = 'internal'
        and {{ in_number_range('dialled.called_digits', 'ranges.range_first', 'ranges.range_last') }}
    where dialled.direction <> 'inbound'
),

remote as (
    select
        dialled.call_id,
        dialled.source_name,
        dialled.call_date_local,
        dialled.site_id,
        dialled.direction,
        short_numbers.short_number_kind,
        short_numbers.short_number,
        case
            when dialled.direction = 'inbound' then dialled.number_kind
            when dialled.direction = 'internal' and extensions_dialled.call_id is not null then 'internal'
            when short_numbers.call_id is not null then short_numbers.short_number_kind
            when dialled.direction = 'internal' or extensions_dialled.call_id is not null then 'internal'
            else dialled.number_kind
        end as party_kind,
        dialled.external_number_e164
    from dialled
    left join short_numbers on dialled.call_id = short_numbers.call_id
    left join extensions_dialled on dialled.call_id = extensions_dialled.call_id
)

select
    call_id,
    source_name,
    call_date_local,
    site_id,
    direction,
    party_kind,
    case when party_kind in ('emergency', 'service') then short_number end as short_number,
    case when party_kind = 'external' then external_number_e164 end as number_e164,
    site_id || ':' || case
        when party_kind = 'external' then '+' || external_number_e164
        when party_kind in ('emergency', 'service') then party_kind || ':' || short_number
        else party_kind
    end as destination_id
from remote
{{ clustered_by_call_day() }}
