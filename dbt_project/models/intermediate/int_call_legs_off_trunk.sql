{#-
  External legs on no configured trunk: legs the trunks of sites.yml did not match (trunk_id
  null, so int_call_legs_staged calls them internal, or outbound where the PBX says the called
  party is outside) although the record says the other party is outside the company:
    to_is_external  the format marks the called party as outside (3CX: written as a number);
    trunk_named     a format whose endpoints only ever name trunks or lines (trunk_named_formats():
                    IP Office lines, Avaya CM trunks, Mitel 5000 trunks, Panasonic CO lines, NEC
                    routes, Grandstream trunk names) names one: for these the name alone decides;
    outside_number  any other format (its endpoints may be phones): the caller's or the called
                    number is digits (optionally after '+') and none of the site's extensions:
                    outside its dial plan's internal_ranges, or, without ranges, over 6 digits.
                    Not on a leg with a channel inside the PBX on a side (an Asterisk Local
                    channel half: leg_has_internal_channel): that side is the PBX's own dialplan,
                    the other a phone or a trunk, and the numbers are the whole call's (the Local
                    half passes on the caller ID of the call on its other half; dst is the
                    dialplan extension it runs), not evidence about this leg's parties. Only a
                    trunk makes such a leg external. The outside party of the call is on the leg
                    of the other half, or on the CDR Asterisk writes between the two real channels
                    once the Local pair has optimized itself away.
  The same rule as `ringledger check` (ingestion/raw/sample_legs.py classify), which counts these
  legs in a sample before anything is built. rpt_data_quality_findings counts them per source and day.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql), like the legs it reads.
-#}
{{ incremental_by_rebuild_scope() }}
{%- set trunk_named = "'" ~ trunk_named_formats() | join("', '") ~ "'" %}

with legs as (
    select
        unioned.*,
        unioned.pbx_format in ({{ trunk_named }}) as is_trunk_named,
        {{ leg_has_internal_channel('unioned.pbx_format', 'unioned.from_endpoint', 'unioned.to_endpoint') }}
            as has_internal_channel,
        coalesce(nullif(unioned.from_endpoint, ''), nullif(unioned.to_endpoint, '')) is not null as names_endpoint
    from {{ ref('int_call_legs_unioned') }} as unioned
    {{ rebuild_scope_join('unioned.source_name', 'unioned.call_date_local') }}
    where unioned.trunk_id is null
),

{# the name the file had where the PBX wrote it (what the load report and check print) #}
loaded_files as (
    select source, sha256, original_name from {{ source('raw', 'loaded_files') }}
),

internal_ranges as (
    select
        site_id,
        split_part(range_value, '-', 1) as low_number,
        coalesce(nullif(split_part(range_value, '-', 2), ''), split_part(range_value, '-', 1)) as high_number
    from {{ ref('stg_geography__site_number_ranges') }}
    where range_kind = 'internal' and regexp_full_match(range_value, '[0-9]+(-[0-9]*)?')
),

numbers as (
    select leg_id, site_id, caller_number as party_number
    from legs
    where not (is_trunk_named or has_internal_channel)
    union all
    select leg_id, site_id, called_number as party_number
    from legs
    where not (is_trunk_named or has_internal_channel)
),

outside_numbers as (
    select distinct numbers.leg_id
    from numbers
    where regexp_full_match(numbers.party_number, '\+?[0-9]+')
        and not (
            regexp_full_match(numbers.party_number, '[0-9]+')
            and case
                when
                    not exists (
                        select 1 from internal_ranges
                        where internal_ranges.site_id = numbers.site_id
                    )
                    then length(numbers.party_number) <= 6
                else
                    exists (
                        select 1 from internal_ranges
                        where internal_ranges.site_id = numbers.site_id
                            and length(numbers.party_number) = length(internal_ranges.low_number)
                            and {{ dbt.safe_cast('numbers.party_number', dbt.type_bigint()) }}
                            between cast(internal_ranges.low_number as {{ dbt.type_bigint() }})
                            and cast(internal_ranges.high_number as {{ dbt.type_bigint() }})
                    )
            end
        )
)

select
    legs.leg_id,
    legs.call_id,
    legs.source_name,
    legs.site_id,
    legs.pbx_format,
    legs.landed_path,
    loaded_files.original_name,
    legs.record_no,
    legs.record_part,
    legs.call_date_local,
    legs.started_at_local,
    legs.leg_direction,
    legs.from_endpoint,
    legs.to_endpoint,
    legs.caller_number,
    legs.called_number,
    case
        when coalesce(legs.to_is_external, false) then 'to_is_external'
        when legs.is_trunk_named then 'trunk_named'
        else 'outside_number'
    end as evidence
from legs
left join outside_numbers on legs.leg_id = outside_numbers.leg_id
left join loaded_files
    on legs.source_name = loaded_files.source and legs.landed_file_sha256 = loaded_files.sha256
where coalesce(legs.to_is_external, false)
    or (legs.is_trunk_named and legs.names_endpoint)
    or outside_numbers.leg_id is not null
{{ clustered_by_call_day() }}
