{#-
  One typed row per Panasonic SMDR call. Date and Time stamp the END of the call (the
  KX-TDA/NS behaviour), the date in the order the source configures (date_format in
  config/sources.yml, MM/DD/YY by default): answer = end - duration and start = answer -
  ring. Dial Number markers: <I> incoming (caller after it), <D> the DID dialled (before
  <I>), EXTnnn an intercom call, '-' a transfer (digits after it were dialled by the
  transfer target). Duration is hh:mm'ss, ring m'ss.

  A CO-to-CO call (an outside call transferred, forwarded or DISA-routed out to another
  outside line) is printed as two lines ending together: the incoming one and an outgoing
  one with CD TR, FW or D0-D4. They become one row here: the incoming line's times and
  caller, the outgoing line's number, talk time and account code, both CO lines
  (from_co_line, to_co_line), and the outgoing line's record in paired_record_no.
-#}
with source as (
    {{ raw_records(source('panasonic_smdr', 'panasonic_smdr')) }}
),

sources as (
    select source_name, date_format from {{ ref('stg_config__sources') }}
),

renamed as (
    select
        {{ raw_lineage('source') }},
        {{ configured_date('source."date"', 'sources.date_format') }} as end_date,
        {{ twelve_hour_time('left(source."time", 5)', "upper(right(source.\"time\", 2)) = 'PM'") }}
            as end_time_of_day,
        {{ hms_to_seconds("replace(source.duration, '''', ':')") }} as duration_seconds,
        coalesce({{ hms_to_seconds("'0:' || replace(source.ring, '''', ':')") }}, 0) as ring_seconds,
        source.ext as extension,
        nullif(source.co, '') as co_line,
        source.dial_number,
        nullif(source.acc_code, '') as account_code,
        nullif(source.cd, '') as condition_code
    from source
    inner join sources on source._source = sources.source_name
),

typed as (
    select
        *,
        end_date + end_time_of_day as ended_at_local,
        dial_number like '%<I>%' as is_incoming,
        dial_number like 'EXT%' as is_intercom,
        nullif(regexp_extract(dial_number, '<D>([0-9*#]+)', 1), '') as did_dialled,
        nullif(regexp_extract(dial_number, '<I>(.*)$', 1), '') as incoming_caller,
        nullif(split_part(dial_number, '-', 2), '') as transferred_to,
        split_part(dial_number, '-', 1) as dialled_before_transfer
    from renamed
),

records as (
    select
        *,
        ended_at_local - to_seconds(duration_seconds) as answered_at_local,
        ended_at_local - to_seconds(duration_seconds + ring_seconds) as started_at_local,
        duration_seconds as billable_seconds,
        case when duration_seconds > 0 then 'answered' else 'no_answer' end as leg_disposition,
        case when is_incoming then incoming_caller else extension end as caller_number,
        case
            when is_incoming then coalesce(did_dialled, extension)
            when is_intercom then substr(dial_number, 4)
            else dialled_before_transfer
        end as called_number,
        coalesce(condition_code = 'TR', false) or transferred_to is not null as is_transferred,
        case when is_incoming then co_line end as from_co_line,
        case when not is_incoming then co_line end as to_co_line,
        null::varchar as paired_landed_file_sha256,
        null::bigint as paired_record_no
    from typed
),

{# each outgoing CO-to-CO line with the incoming line of the same source that ended with it:
   the same extension first, then the same file and the nearest line #}
outgoing_partners as (
    select
        outgoing.landed_file_sha256 as outgoing_file,
        outgoing.record_no as outgoing_record_no,
        incoming.landed_file_sha256 as incoming_file,
        incoming.record_no as incoming_record_no
    from records as outgoing
    inner join records as incoming
        on outgoing.source_name = incoming.source_name
        and outgoing.ended_at_local = incoming.ended_at_local
        and incoming.is_incoming
        and incoming.co_line <> outgoing.co_line
    where outgoing.condition_code in ('TR', 'FW', 'D0', 'D1', 'D2', 'D3', 'D4')
        and outgoing.to_co_line is not null
    qualify row_number() over (
        partition by outgoing.landed_file_sha256, outgoing.record_no
        order by
            outgoing.extension = incoming.extension desc,
            outgoing.landed_file_sha256 = incoming.landed_file_sha256 desc,
            abs(outgoing.record_no - incoming.record_no)
    ) = 1
),

pairs as (
    select *
    from outgoing_partners
    qualify row_number() over (
        partition by incoming_file, incoming_record_no
        order by incoming_file = outgoing_file desc, abs(incoming_record_no - outgoing_record_no)
    ) = 1
),

co_to_co as (
    select
        incoming.* replace (
            outgoing.to_co_line as to_co_line,
            outgoing.called_number as called_number,
            outgoing.billable_seconds as billable_seconds,
            outgoing.leg_disposition as leg_disposition,
            coalesce(outgoing.account_code, incoming.account_code) as account_code,
            outgoing.condition_code as condition_code,
            outgoing.is_transferred as is_transferred,
            outgoing.landed_file_sha256 as paired_landed_file_sha256,
            outgoing.record_no as paired_record_no,
            {{ merged_flags('incoming.quality_flags', 'outgoing.quality_flags') }} as quality_flags
        )
    from pairs
    inner join records as incoming
        on pairs.incoming_file = incoming.landed_file_sha256 and pairs.incoming_record_no = incoming.record_no
    inner join records as outgoing
        on pairs.outgoing_file = outgoing.landed_file_sha256 and pairs.outgoing_record_no = outgoing.record_no
),

single_records as (
    select records.*
    from records
    where not exists (
        select 1 from pairs
        where (pairs.incoming_file = records.landed_file_sha256 and pairs.incoming_record_no = records.record_no)
            or (pairs.outgoing_file = records.landed_file_sha256 and pairs.outgoing_record_no = records.record_no)
    )
)

select *, false as is_co_to_co from single_records
union all
select *, true as is_co_to_co from co_to_co
