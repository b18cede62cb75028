{#-
  Each call and the party it is booked to, by its site's booking rule (final_party by
  default, first_party, split: booked to the final party), attributed to whoever held
  that extension at the call's start: the booked row of int_call_party_shares, where
  the rule and the as-of attribution are defined. One row per call; fct_calls joins it.
  Incremental by (source, call_date_local) (macros/rebuild_scope.sql).
-#}
{{ incremental_by_rebuild_scope() }}

select
    parties.call_id,
    parties.source_name,
    parties.call_date_local,
    parties.site_id,
    parties.branch_key,
    parties.extension,
    parties.booking,
    parties.person_key,
    parties.person_id,
    parties.department_key,
    parties.department_id
from {{ ref('int_call_party_shares') }} as parties
{{ rebuild_scope_join('parties.source_name', 'parties.call_date_local') }}
where parties.is_booked
{{ clustered_by_call_day() }}
