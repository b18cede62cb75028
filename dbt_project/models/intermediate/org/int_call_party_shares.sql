{#-
  Every internal party of each call, attributed, and the one the call is booked to.
  The parties are the extensions that answered a leg (talk_seconds: their legs'
  billable seconds), in the order they joined; a call whose booked extension answered
  no leg (unanswered, or only an extension-less leg answered) has it as its one party.
  The site's booking rule (stg_config__sites.booking) marks the booked party:
  - final_party (default) and split: the last extension that answered
    (int_calls_merged.final_extension), else the call's extension;
  - first_party: the first extension that answered (int_calls_merged.extension).
  Each party goes to whoever held its extension at the call's start, by the site's local
  wall clock (HR valid_from <= start < valid_to); two people on one extension at once (a
  directory warning): the later assignment wins. The department is that row's, in the
  version valid at the call's start; the branch is the call's site, likewise.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

with calls as (
    select
        calls.call_id,
        calls.source_name,
        calls.call_date_local,
        calls.site_id,
        calls.extension,
        calls.final_extension,
        calls.started_at_local
    from {{ ref('int_calls_merged') }} as calls
    {{ rebuild_scope_join('calls.source_name', 'calls.call_date_local') }}
),

legs as (
    select legs.call_id, legs.extension, legs.billable_seconds, legs.leg_order
    from {{ ref('int_call_legs_unioned') }} as legs
    {{ rebuild_scope_join('legs.source_name', 'legs.call_date_local') }}
    where legs.leg_disposition = 'answered' and legs.extension is not null
),

sites as (
    select site_id, booking from {{ ref('stg_config__sites') }}
),

assignments as (
    select * from {{ ref('int_person_assignments') }}
),

departments as (
    select * from {{ ref('int_departments_versioned') }}
),

branches as (
    select * from {{ ref('int_branches_versioned') }}
),

booked as (
    select
        calls.*,
        coalesce(sites.booking, 'final_party') as booking,
        case
            when sites.booking = 'first_party' then calls.extension
            else coalesce(calls.final_extension, calls.extension)
        end as booked_extension
    from calls
    left join sites on calls.site_id = sites.site_id
),

answering as (
    select
        call_id,
        extension,
        cast(coalesce(sum(billable_seconds), 0) as bigint) as talk_seconds,
        min(leg_order) as first_leg_order
    from legs
    group by call_id, extension
),

parties as (
    select booked.*, answering.extension as party_extension, answering.talk_seconds, answering.first_leg_order
    from booked
    inner join answering on booked.call_id = answering.call_id
    union all
    select
        booked.*,
        booked.booked_extension as party_extension,
        cast(0 as bigint) as talk_seconds,
        cast(null as bigint) as first_leg_order
    from booked
    where
        not exists (
            select 1 from answering
            where answering.call_id = booked.call_id and answering.extension = booked.booked_extension
        )
),

holders as (
    select
        parties.*,
        assignments.person_key,
        assignments.person_id,
        assignments.department_id
    from parties
    left join assignments
        on parties.site_id = assignments.site_id
        and parties.party_extension = assignments.extension
        and {{ is_valid_at('assignments', 'parties.started_at_local') }}
    qualify
        row_number() over (
            partition by parties.call_id, parties.party_extension
            order by assignments.valid_from desc nulls last, assignments.person_id asc
        ) = 1
)

select
    holders.call_id || ':' || coalesce(holders.party_extension, '') as party_id,
    holders.call_id,
    holders.source_name,
    holders.call_date_local,
    holders.site_id,
    branches.branch_key,
    holders.party_extension as extension,
    cast(
        row_number() over (
            partition by holders.call_id order by holders.first_leg_order nulls last, holders.party_extension
        ) as integer
    ) as party_order,
    holders.talk_seconds,
    holders.booking,
    (holders.party_extension is not distinct from holders.booked_extension) as is_booked,
    holders.person_key,
    holders.person_id,
    departments.department_key,
    holders.department_id
from holders
left join departments
    on holders.department_id = departments.department_id
    and {{ is_valid_at('departments', 'holders.started_at_local') }}
left join branches
    on holders.site_id = branches.site_id
    and {{ is_valid_at('branches', 'holders.started_at_local') }}
{{ clustered_by_call_day() }}
