{#-
  The canonical call-leg schema: every format's legs (int_call_legs_mapped) with site,
  UTC and local times, leg direction, trunk, extension and the external number in E.164.
  The endpoints on each side (a trunk's name on the PBX, or an extension) decide direction.
  A table incremental by landed file (macros/rebuild_scope.sql: newly_staged_predicate): a
  build stages the files loaded since the facts were last built (again, if a build that
  failed later staged them already) and, reprocessing, every file of the reprocessed
  source(s). The raw records are parsed once, here: int_rebuild_scope, int_call_legs_rejected
  and int_call_legs_unioned read this table by landed file.

  Local times become UTC unambiguously (docs/clock-changes.md). Each leg has one anchor,
  the time that decides the others: its end where the PBX writes it (records are written
  when a call ends), else its start. The other times follow from the anchor by the
  record's own durations, so a call across a clock change keeps its true length. An
  anchor in the hour the clock went back over takes, in this order of evidence:
    pbx_record_time  the PBX's own UTC record time (IP Office R11): the reading whose end is not after it;
    written_start    the record's written start is outside that hour: start + duration;
    pbx_epoch        the UTC instant in the record's uniqueid/callid equals a reading of the start;
    spans_fold       start and end are both in that hour but only start first, end second fits its duration;
    write_order_*    the order the PBX wrote its records in the landed file: the records after
                     the point where the file's call ends step back in time (or pass the repeated
                     hour) were written after the clock went back, and take the second reading;
    no_evidence_first  a file that never shows the clock going back: the first reading.
  A time the clock skipped (spring) is read with the offset before the change (skipped_hour);
  any other is 'unambiguous' ('pbx_utc' for a PBX that writes UTC). utc_rule says which.
-#}

{{ incremental_replacing("delete from {{ this }} where {{ newly_staged_predicate() }}") }}
{#- DuckDB estimates the legs from raw at a few thousand rows and, as it may for an outer join,
    builds the hash table on them rather than on the small side (the write order, the DIDs):
    105 s of 275 at 10 M calls. Building on the side the SQL names (right of a left join) takes
    the whole model to 89 s. The setting is global in DuckDB: reset when the model is built. -#}
{{ config(
    pre_hook="set disabled_optimizers = 'build_side_probe_side'",
    post_hook="reset disabled_optimizers",
) }}

{%- set zone = 'site_timezone' -%}

with legs as (
    select * from {{ ref('int_call_legs_mapped') }}
    {% if is_incremental() %}where {{ newly_staged_predicate() }}{% endif %}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

{# an endpoint is a trunk by its site's LIKE patterns (ingestion/config/trunk_matching.py): the
   lowest precedence among those it matches, so one trunk at most per side of a leg #}
trunk_patterns as (
    select * from {{ ref('stg_config__trunk_match_patterns') }}
),

dids as (
    select * from {{ ref('stg_config__dids') }}
),

own_evidence as (
    {{ legs_on_site_clock('legs') }}
),

{# write order near autumn changes: the leg's call, and its file's point after the change #}
write_order as (
    select * from {{ ref('int_clock_change_write_order') }}
),

file_changes as (
    select distinct
        source_name, landed_file_sha256, clock_changed_at_utc, landed_at, original_name,
        first_position_after_change, went_back
    from write_order
),

{# a file landed after another file of the same source that saw the clock go back that night
   was written after the change from its first record on #}
file_positions_after_change as (
    select
        files.source_name,
        files.landed_file_sha256,
        files.clock_changed_at_utc,
        case
            when
                exists (
                    select 1 from file_changes as earlier
                    where earlier.source_name = files.source_name
                        and earlier.clock_changed_at_utc = files.clock_changed_at_utc
                        and earlier.went_back
                        and (
                            earlier.landed_at < files.landed_at
                            or (earlier.landed_at = files.landed_at and earlier.original_name < files.original_name)
                        )
                )
                then 0
            else files.first_position_after_change
        end as first_position_after_change
    from file_changes as files
),

anchored as (
    select
        own_evidence.*,
        case
            when own_evidence.own_rule is not null or own_evidence.anchor_local is null
                then own_evidence.own_anchor_utc
            when file_folds.first_position_after_change is null then {{ first_reading('own_evidence.anchor_local') }}
            when calls.call_position < file_folds.first_position_after_change
                then {{ first_reading('own_evidence.anchor_local') }}
            when own_evidence.written_times <> 'start' then {{ second_reading('own_evidence.anchor_local') }}
            {# a start written after the change: the second reading, unless the call then ends
               after calls written later than it (it began before the change and ran across it) #}
            when {{ plus_seconds(first_reading('own_evidence.started_at_local'), 'own_evidence.start_to_end') }}
                < own_evidence.clock_changed_at_utc
                then {{ second_reading('own_evidence.started_at_local') }}
            when calls.earliest_end_after
                < {{ plus_seconds('own_evidence.ended_at_local', '-' ~ write_order_tolerance_seconds()) }}
                then {{ first_reading('own_evidence.started_at_local') }}
            else {{ second_reading('own_evidence.started_at_local') }}
        end as anchor_utc,
        case
            when own_evidence.own_rule is not null or own_evidence.anchor_local is null
                then own_evidence.own_rule
            when file_folds.first_position_after_change is null then 'no_evidence_first'
            when calls.call_position < file_folds.first_position_after_change then 'write_order_first'
            when own_evidence.written_times = 'start'
                and {{ plus_seconds(first_reading('own_evidence.started_at_local'), 'own_evidence.start_to_end') }}
                >= own_evidence.clock_changed_at_utc
                and calls.earliest_end_after
                < {{ plus_seconds('own_evidence.ended_at_local', '-' ~ write_order_tolerance_seconds()) }}
                then 'write_order_first'
            else 'write_order_second'
        end as utc_rule
    from own_evidence
    left join write_order as calls
        on own_evidence.source_name = calls.source_name
        and own_evidence.landed_file_sha256 = calls.landed_file_sha256
        and own_evidence.clock_changed_at_utc = calls.clock_changed_at_utc
        and own_evidence.call_key_in_source = calls.call_key_in_source
    left join file_positions_after_change as file_folds
        on own_evidence.source_name = file_folds.source_name
        and own_evidence.landed_file_sha256 = file_folds.landed_file_sha256
        and own_evidence.clock_changed_at_utc = file_folds.clock_changed_at_utc
),

{# the other times from the anchor: by the record's durations, or as written where that is unambiguous #}
timed_ends as (
    select
        *,
        case
            when written_times = 'utc' then started_at_utc
            when written_times = 'start' then anchor_utc
            when written_times = 'end' then {{ moved_by('anchor_utc', 'ended_at_local', 'started_at_local') }}
            when clock_change_kind is null then {{ moved_by('anchor_utc', 'ended_at_local', 'started_at_local') }}
            when {{ clock_reading('started_at_local') }} <> 'repeated'
                then {{ unambiguous_utc('started_at_local', zone) }}
            when start_to_end_seconds is not null
                then {{ nearest_reading('started_at_local', plus_seconds('anchor_utc', '-start_to_end_seconds')) }}
            else {{ latest_reading_by('started_at_local', 'anchor_utc') }}
        end as start_utc,
        case
            when written_times = 'utc' then ended_at_utc
            when written_times = 'start' then {{ moved_by('anchor_utc', 'started_at_local', 'ended_at_local') }}
            else anchor_utc
        end as end_utc
    from anchored
),

timed as (
    select
        *,
        case
            when written_times = 'utc' then answered_at_utc
            when answered_at_local is null then null
            when written_times in ('start', 'start_end')
                then {{ moved_by('start_utc', 'started_at_local', 'answered_at_local') }}
            when written_times = 'end' or clock_change_kind is null
                then {{ moved_by('end_utc', 'ended_at_local', 'answered_at_local') }}
            when {{ clock_reading('answered_at_local') }} <> 'repeated'
                then {{ unambiguous_utc('answered_at_local', zone) }}
            when answer_to_end_seconds is not null
                then {{ nearest_reading('answered_at_local', plus_seconds('end_utc', '-answer_to_end_seconds')) }}
            else {{ latest_reading_by('answered_at_local', 'end_utc') }}
        end as answer_utc,
        {{ dial_digits('called_number') }} as called_digits,
        {{ dial_digits('caller_number') }} as caller_digits
    from timed_ends
),

classified as (
    select
        -- the names of the columns left out of timed.*, not references to them:
        -- noqa: disable=RF02
        timed.* exclude (
            started_at_utc, answered_at_utc, ended_at_utc, started_at_local, answered_at_local, ended_at_local,
            start_utc, answer_utc, end_utc, anchor_local, anchor_utc, own_anchor_utc, own_rule, start_to_end,
            anchor_reading, start_reading, epoch_reading, spans_change,
            written_times, start_to_end_seconds, answer_to_end_seconds, pbx_epoch_utc, written_at_utc,
            talk_is_end_minus_start, billable_seconds, landed_at, original_name,
            clock_change_kind, clock_changed_at_utc, clock_offset_before, clock_offset_after,
            clock_local_from, clock_local_to, called_digits, caller_digits
        ),
        -- noqa: enable=RF02
        timed.start_utc as started_at_utc,
        timed.answer_utc as answered_at_utc,
        timed.end_utc as ended_at_utc,
        case
            when timed.written_times = 'utc' then {{ utc_to_local('timed.start_utc', 'timed.site_timezone') }}
            when timed.clock_change_kind is null then timed.started_at_local
            else {{ clock_local_of('timed.start_utc') }}
        end as started_at_local,
        {# talk counted from the stamps: as long as the call really was across a change #}
        case
            when timed.talk_is_end_minus_start and timed.clock_change_kind is not null
                then timed.billable_seconds
                    + {{ seconds_between('timed.start_utc', 'timed.end_utc') }}
                    - {{ seconds_between('timed.started_at_local', 'timed.ended_at_local') }}
            else timed.billable_seconds
        end as billable_seconds,
        case
            when trunk_in.trunk_id is not null and (trunk_out.trunk_id is not null or timed.to_is_external)
                then 'transit'
            when trunk_in.trunk_id is not null then 'inbound'
            when trunk_out.trunk_id is not null or timed.to_is_external then 'outbound'
            else 'internal'
        end as leg_direction,
        coalesce(trunk_in.trunk_id, trunk_out.trunk_id) as trunk_id,
        case when trunk_in.trunk_id is not null then timed.to_extension else timed.from_extension end as extension,
        case
            when trunk_out.trunk_id is not null or timed.to_is_external
                then {{ to_e164('timed.called_digits', 'sites', strip_access=true) }}
            when trunk_in.trunk_id is not null then {{ to_e164('timed.caller_digits', 'sites') }}
        end as external_number_e164,
        {# the company number dialled: as written (E.164 digits) or in the site's national form #}
        case when trunk_in.trunk_id is not null then coalesce(did_as_written.did_e164, did_national.did_e164) end
            as company_number_e164
    from timed
    inner join sites on timed.site_id = sites.site_id
    left join trunk_patterns as trunk_in
        on timed.site_id = trunk_in.site_id and {{ like_pattern_match('timed.from_endpoint', 'trunk_in.like_pattern') }}
    left join trunk_patterns as better_in
        on trunk_in.site_id = better_in.site_id and better_in.precedence < trunk_in.precedence
        and {{ like_pattern_match('timed.from_endpoint', 'better_in.like_pattern') }}
    left join trunk_patterns as trunk_out
        on timed.site_id = trunk_out.site_id and {{ like_pattern_match('timed.to_endpoint', 'trunk_out.like_pattern') }}
    left join trunk_patterns as better_out
        on trunk_out.site_id = better_out.site_id and better_out.precedence < trunk_out.precedence
        and {{ like_pattern_match('timed.to_endpoint', 'better_out.like_pattern') }}
    left join dids as did_as_written
        on timed.site_id = did_as_written.site_id and timed.called_number = did_as_written.did_e164
    {# the national form is needed only where the company number is (inbound legs): the number is
       put in E.164 for those legs only #}
    left join dids as did_national
        on timed.site_id = did_national.site_id
        and case when trunk_in.trunk_id is not null then {{ to_e164('timed.called_digits', 'sites') }} end
        = did_national.did_e164
    where better_in.trunk_id is null and better_out.trunk_id is null
)

select
    source_name || ':' || landed_file_sha256 || ':' || record_no || coalesce(':' || record_part, '') as leg_id,
    source_name || ':' || call_key_in_source as call_id,
    *
from classified
