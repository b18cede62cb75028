{#-
  One typed row per Cisco UCM CDR (a call leg); times are UTC epoch seconds in the file.
  Who released the leg (docs/call-model.md): the side whose cause value is set, the other
  side's being 0 (CUCM writes the clearing party's cause, 0 on the other side; 126 / 393216
  mean the leg was split by a transfer or conference), else the side terminated on behalf of
  its device (OnBehalfOf 12) while the other was not.
-#}
with source as (
    select * from {{ source('cisco_cucm_cdr', 'cisco_cucm_cdr') }}
),

renamed as (
    select
        {{ raw_lineage() }},
        globalCallID_callManagerId || '-' || globalCallID_callId as call_key_in_source,
        origLegCallIdentifier as orig_leg_identifier,
        destLegIdentifier as dest_leg_identifier,
        try_cast(dateTimeOrigination as bigint) as origination_epoch,
        try_cast(dateTimeConnect as bigint) as connect_epoch,
        try_cast(dateTimeDisconnect as bigint) as disconnect_epoch,
        try_cast(duration as integer) as duration_seconds,
        try_cast(origCause_value as bigint) as orig_cause,
        try_cast(destCause_value as bigint) as dest_cause,
        callingPartyNumber as caller_number,
        originalCalledPartyNumber as called_number,
        finalCalledPartyNumber as final_called_number,
        nullif(lastRedirectDn, '') as last_redirect_dn,
        origDeviceName as orig_device,
        destDeviceName as dest_device,
        nullif(authCodeDescription, '') as account_code,
        try_cast(joinOnBehalfOf as integer) as join_on_behalf_of,
        try_cast(origCallTerminationOnBehalfOf as integer) as orig_termination_on_behalf_of,
        try_cast(destCallTerminationOnBehalfOf as integer) as dest_termination_on_behalf_of,
        nullif(huntPilotDN, '') as hunt_pilot_dn,
        pkid
    from source
)

select
    *,
    {# epoch seconds -> naive UTC timestamps; 0 means "never" #}
    make_timestamp(origination_epoch * 1000000) as started_at_utc,
    case when connect_epoch > 0 then make_timestamp(connect_epoch * 1000000) end as answered_at_utc,
    make_timestamp(disconnect_epoch * 1000000) as ended_at_utc,
    case when connect_epoch > 0 then duration_seconds else 0 end as billable_seconds,
    case
        when orig_cause > 0 and orig_cause not in (126, 393216) and coalesce(dest_cause, 0) = 0 then 'caller'
        when dest_cause > 0 and dest_cause not in (126, 393216) and coalesce(orig_cause, 0) = 0 then 'called'
        when orig_termination_on_behalf_of = 12 and coalesce(dest_termination_on_behalf_of, 0) <> 12 then 'caller'
        when dest_termination_on_behalf_of = 12 and coalesce(orig_termination_on_behalf_of, 0) <> 12 then 'called'
    end as released_by,
    case
        when connect_epoch > 0 then 'answered'
        when orig_cause = 17 or dest_cause = 17 then 'busy'
        when coalesce(orig_cause, 0) in (0, 16, 19) and coalesce(dest_cause, 0) in (0, 16, 19) then 'no_answer'
        else 'failed'
    end as leg_disposition
from renamed
