{#-
  One typed row per 3CX CDR. 3CX writes one row per call, transfers included: the
  party that finally took part is in final_number/final_dn, and reason_changed says
  which side it replaced (ReplacedSrc: the caller's side; any other reason: the called
  side). The call is billed to the final party, so the sides below are the parties at
  the end of the call. Times are the site's local wall clock; duration is talk time
  (answer to end) as HH:MM:SS and, like time_answered, empty when nobody answered.
  A party written as a number (not Ext.NNN) is outside the company: an outbound attempt
  that failed before seizing a line names the dialled number, not a line DN, on the
  called side, so to_party_is_external is what says it went out. (The type columns do
  not tell: final-type describes the destination even when the final party is the source.)
-#}
with source as (
    {{ raw_records(source('threecx_cdr', 'threecx_cdr')) }}
),

renamed as (
    select
        {{ raw_lineage() }},
        trim(regexp_replace(historyid, '^Call ', '')) as history_id,
        callid as call_key_in_source,
        nullif(duration, '') as duration_text,
        time_start as start_text,
        nullif(time_answered, '') as answer_text,
        time_end as end_text,
        reason_terminated,
        nullif(reason_changed, '') as reason_changed,
        from_no as from_number,
        to_no as to_number,
        nullif(dial_no, '') as dialled_number,
        nullif(final_number, '') as final_number,
        from_dn,
        to_dn,
        nullif(final_dn, '') as final_dn,
        nullif(bill_code, '') as account_code,
        nullif(chain, '') as chain,
        from_type,
        to_type,
        final_type
    from source
),

typed as (
    select
        *,
        try_strptime(start_text, '%Y/%m/%d %H:%M:%S') as started_at_local,
        try_strptime(answer_text, '%Y/%m/%d %H:%M:%S') as answered_at_local,
        try_strptime(end_text, '%Y/%m/%d %H:%M:%S') as ended_at_local,
        coalesce({{ hms_to_seconds('duration_text') }}, 0) as billable_seconds,
        coalesce(reason_changed = 'ReplacedSrc', false) as source_was_replaced
    from renamed
),

final_parties as (
    select
        *,
        case when source_was_replaced and final_dn is not null then final_dn else from_dn end as from_party_dn,
        case when not source_was_replaced and final_dn is not null then final_dn else to_dn end as to_party_dn,
        case when not source_was_replaced and final_number is not null then final_number else to_number end
            as to_party_number,
        case when source_was_replaced and final_number is not null then final_number else from_number end
            as caller_number,
        case
            when not source_was_replaced and final_number is not null then final_number
            else coalesce(dialled_number, to_number)
        end as called_number
    from typed
),

{# 3CX writes an inside party as Ext.NNN, an outside one as its number; MakeCall, EndCall … are neither #}
parties as (
    select
        *,
        coalesce(regexp_full_match(caller_number, '\+?[0-9]+'), false) as from_party_is_external,
        coalesce(regexp_full_match(to_party_number, '\+?[0-9]+'), false) as to_party_is_external
    from final_parties
)

select
    * exclude (start_text, answer_text, end_text, duration_text, to_party_number),
    case
        when answered_at_local is not null then 'answered'
        when reason_terminated = 'RouteBusy' then 'busy'
        when reason_terminated in ('Failed', 'NoRouteExists', 'NotAvailable') then 'failed'
        else 'no_answer'
    end as leg_disposition,
    {# TerminatedBySrc / TerminatedByDst: the calling / called side hung up (docs/call-model.md) #}
    case reason_terminated
        when 'TerminatedBySrc' then 'caller'
        when 'TerminatedByDst' then 'called'
    end as released_by,
    {# only numbered DNs are extensions, and an outside party's DN (a line, or the number itself) is none #}
    case
        when regexp_full_match(from_party_dn, '[0-9]+') and not from_party_is_external then from_party_dn
    end as from_party_extension,
    case
        when regexp_full_match(to_party_dn, '[0-9]+') and not to_party_is_external then to_party_dn
    end as to_party_extension
from parties
