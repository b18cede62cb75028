{#- Asterisk cdr_custom CDRs as canonical legs (macros/canonical_leg.sql). -#}
{{ asterisk_canonical_legs('stg_asterisk_cdr_custom__legs', 'asterisk_cdr_custom') }}
