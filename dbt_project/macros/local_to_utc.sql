{#-
  Time-zone arithmetic, dispatched per engine. Only one conversion is ever asked of the
  engine: UTC -> a zone's wall clock, which is a function (one instant, one reading).
  The other way is ambiguous for an hour each autumn and undefined for an hour each
  spring; int_site_clock_changes lists those hours and int_call_legs_staged decides them
  (see docs/clock-changes.md). local_to_utc is used only for times outside those hours.

  DuckDB 2.0 (ICU), measured: timezone(zone, naive) of a repeated time gives the LATER
  instant (the second reading, after the clock went back: 2026-10-25 02:30 Europe/Berlin
  -> 01:30 UTC), and of a time the clock skipped it applies the offset in force BEFORE
  the change (2026-03-29 02:30 Europe/Berlin -> 01:30 UTC, i.e. 03:30 CEST).
-#}

{#- A naive UTC timestamp as the zone's naive wall-clock time. -#}
{% macro utc_to_local(utc_timestamp, zone) -%}
{{ return(adapter.dispatch('utc_to_local')(utc_timestamp, zone)) }}
{%- endmacro %}

{% macro default__utc_to_local(utc_timestamp, zone) -%}
(({{ utc_timestamp }}) at time zone 'UTC' at time zone {{ zone }})
{%- endmacro %}

{% macro duckdb__utc_to_local(utc_timestamp, zone) -%}
timezone({{ zone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro spark__utc_to_local(utc_timestamp, zone) -%}
from_utc_timestamp({{ utc_timestamp }}, {{ zone }})
{%- endmacro %}

{#- A naive wall-clock time of the zone as naive UTC, by the engine's own rule (unambiguous times only). -#}
{% macro local_to_utc(local_timestamp, zone) -%}
{{ return(adapter.dispatch('local_to_utc')(local_timestamp, zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, zone) -%}
(({{ local_timestamp }}) at time zone {{ zone }} at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__local_to_utc(local_timestamp, zone) -%}
timezone('UTC', timezone({{ zone }}, {{ local_timestamp }}))
{%- endmacro %}

{% macro spark__local_to_utc(local_timestamp, zone) -%}
to_utc_timestamp({{ local_timestamp }}, {{ zone }})
{%- endmacro %}

{#- Seconds the zone's wall clock is ahead of UTC at this UTC instant. -#}
{% macro utc_offset_seconds(utc_timestamp, zone) -%}
{{ dbt.datediff(utc_timestamp, utc_to_local(utc_timestamp, zone), 'second') }}
{%- endmacro %}

{#- Whole seconds since 1970-01-01 UTC as a naive UTC timestamp. -#}
{% macro epoch_seconds_to_utc(seconds) -%}
{{ return(adapter.dispatch('epoch_seconds_to_utc')(seconds)) }}
{%- endmacro %}

{% macro default__epoch_seconds_to_utc(seconds) -%}
{{ dbt.dateadd('second', seconds, "cast('1970-01-01 00:00:00' as timestamp)") }}
{%- endmacro %}

{% macro duckdb__epoch_seconds_to_utc(seconds) -%}
make_timestamp(cast({{ seconds }} as bigint) * 1000000)
{%- endmacro %}

{% macro spark__epoch_seconds_to_utc(seconds) -%}
timestamp_seconds({{ seconds }})
{%- endmacro %}

{#- A timestamp moved by a number of seconds (cross-database). -#}
{% macro plus_seconds(timestamp, seconds) -%}
{{ dbt.dateadd('second', seconds, timestamp) }}
{%- endmacro %}

{#- Whole seconds from one timestamp to another (cross-database). -#}
{% macro seconds_between(earlier, later) -%}
{{ dbt.datediff(earlier, later, 'second') }}
{%- endmacro %}

{#- A hexadecimal text (no prefix) as a whole number. -#}
{% macro hex_to_bigint(text) -%}
{{ return(adapter.dispatch('hex_to_bigint')(text)) }}
{%- endmacro %}

{% macro default__hex_to_bigint(text) -%}
cast(conv({{ text }}, 16, 10) as bigint)
{%- endmacro %}

{% macro duckdb__hex_to_bigint(text) -%}
cast('0x' || {{ text }} as bigint)
{%- endmacro %}

{#-
  The UTC creation time in an Asterisk-style uniqueid, '[systemname-]<epoch>.<counter>'
  (Asterisk, and Grandstream UCM which is built on it): when the record's channel was made.
-#}
{% macro epoch_in_asterisk_uniqueid(uniqueid) -%}
{{ epoch_seconds_to_utc("cast(nullif(regexp_extract(" ~ uniqueid ~ ", '([0-9]{9,11})[.][0-9]+$', 1), '') as bigint)") }}
{%- endmacro %}

{#-
  The UTC creation time in a 3CX v15/v16 callid, '<16 hex digits: epoch milliseconds>_<counter>'
  (00000171DEE41BB3_2501 is 2020-05-04 08:53:43.475 UTC); null for other callids (v18+
  writes its digits in another order).
-#}
{% macro epoch_in_threecx_callid(callid) -%}
{{ epoch_seconds_to_utc("floor(" ~ hex_to_bigint("nullif(regexp_extract(" ~ callid ~ ", '^([0-9A-F]{16})_[0-9]+$', 1), '')") ~ " / 1000)") }}
{%- endmacro %}

{#-
  A wall-clock time of a leg against the clock change near it. The leg row carries the
  change's columns (int_call_legs_staged: clock_change_kind, clock_changed_at_utc,
  clock_offset_before, clock_offset_after, clock_local_from, clock_local_to), all null
  when no change is within a day of the leg.
-#}

{#- null for no time; 'none' (no change near), 'before', 'after', 'repeated' (the hour the clock went back over), 'skipped'. -#}
{% macro clock_reading(local) -%}
case
    when {{ local }} is null then null
    when clock_change_kind is null then 'none'
    when {{ local }} < clock_local_from then 'before'
    when {{ local }} >= clock_local_to then 'after'
    when clock_change_kind = 'fold' then 'repeated'
    else 'skipped'
end
{%- endmacro %}

{#- The instant of a wall-clock time read with the offset in force before the change (the first reading). -#}
{% macro first_reading(local) -%}
{{ plus_seconds(local, '-clock_offset_before') }}
{%- endmacro %}

{#- ... and with the offset in force after it (the second reading of a repeated time). -#}
{% macro second_reading(local) -%}
{{ plus_seconds(local, '-clock_offset_after') }}
{%- endmacro %}

{#-
  The one instant of a wall-clock time that is not repeated: by the engine away from a
  change, by the offsets near one; a skipped time (spring gap) by the offset in force
  before the change, as if the clock had not been put forward yet (02:30 -> 03:30 summer
  time; java.time and Python's fold=0 do the same, and so does DuckDB). Null for a repeated time.
-#}
{% macro unambiguous_utc(local, zone) -%}
case
    when {{ local }} is null then null
    when clock_change_kind is null then {{ local_to_utc(local, zone) }}
    when {{ local }} < clock_local_from then {{ first_reading(local) }}
    when {{ local }} >= clock_local_to then {{ second_reading(local) }}
    when clock_change_kind = 'gap' then {{ first_reading(local) }}
end
{%- endmacro %}

{#- The reading of a repeated time nearer to the instant expected for it. -#}
{% macro nearest_reading(local, expected_utc) -%}
case
    when abs({{ seconds_between(expected_utc, first_reading(local)) }})
        <= abs({{ seconds_between(expected_utc, second_reading(local)) }})
        then {{ first_reading(local) }}
    else {{ second_reading(local) }}
end
{%- endmacro %}

{#- The latest reading of a repeated time that is not after an instant (a start before its end). -#}
{% macro latest_reading_by(local, bound_utc) -%}
case when {{ second_reading(local) }} <= {{ bound_utc }} then {{ second_reading(local) }} else {{ first_reading(local) }} end
{%- endmacro %}

{#- A UTC instant as the wall-clock time beside it, by the change's offsets. -#}
{% macro clock_local_of(utc) -%}
case
    when {{ utc }} < clock_changed_at_utc then {{ plus_seconds(utc, 'clock_offset_before') }}
    else {{ plus_seconds(utc, 'clock_offset_after') }}
end
{%- endmacro %}

{#- A time moved by the span between two others (keeps fractions of a second). -#}
{% macro moved_by(timestamp, from_timestamp, to_timestamp) -%}
({{ timestamp }} + ({{ to_timestamp }} - {{ from_timestamp }}))
{%- endmacro %}
