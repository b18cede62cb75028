{#-
  One typed row per Cisco UCM CDR (a call leg); times are UTC epoch seconds in the file.
  Who released the leg (docs/call-model.md): the side terminated on behalf of its device
  (OnBehalfOf 12: its user hung up) while the other was not; else the side whose cause is
  16, normal clearing, with 0 on the other (CUCM writes the clearing party's cause, 0 on the
  other side). A leg split by a transfer (OnBehalfOf 10, cause 393216) or refused by the
  network or the device (busy 17, other failures) was hung up by nobody: null.
-#}
with source as (
    {{ raw_records(source('cisco_cucm_cdr', 'cisco_cucm_cdr')) }}
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
        when orig_termination_on_behalf_of = 12 and coalesce(dest_termination_on_behalf_of, 0) <> 12 then 'caller'
        when dest_termination_on_behalf_of = 12 and coalesce(orig_termination_on_behalf_of, 0) <> 12 then 'called'
        when orig_cause = 16 and coalesce(dest_cause, 0) = 0 then 'caller'
        when dest_cause = 16 and coalesce(orig_cause, 0) = 0 then 'called'
    end as released_by,
    case
        when connect_epoch > 0 then 'answered'
        when orig_cause = 17 or dest_cause = 17 then 'busy'
        when coalesce(orig_cause, 0) in (0, 16, 19) and coalesce(dest_cause, 0) in (0, 16, 19) then 'no_answer'
        else 'failed'
    end as leg_disposition
from renamed
