{#-
  Panasonic SMDR records with each CO-to-CO call as one row. Such a call (an outside call
  transferred, forwarded or DISA-routed out to another outside line) is printed as two lines
  ending together: the incoming one and an outgoing one with CD TR, FW or D0-D4. They become
  one row: the incoming line's times and caller, the outgoing line's number, talk time and
  account code, both CO lines (from_co_line, to_co_line), and the outgoing line's record in
  paired_landed_file_sha256 / paired_record_no.
-#}
with records as (
    select
        *,
        cast(null as {{ dbt.type_string() }}) as paired_landed_file_sha256,
        cast(null as {{ dbt.type_bigint() }}) as paired_record_no
    from {{ ref('stg_panasonic_smdr__legs') }}
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
    qualify
        row_number() over (
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
    qualify
        row_number() over (
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
    where
        not exists (
            select 1 from pairs
            where (pairs.incoming_file = records.landed_file_sha256 and pairs.incoming_record_no = records.record_no)
                or (pairs.outgoing_file = records.landed_file_sha256 and pairs.outgoing_record_no = records.record_no)
        )
)

select *, false as is_co_to_co from single_records
union all
select *, true as is_co_to_co from co_to_co
