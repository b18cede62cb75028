{#- Asterisk cdr_csv (Master.csv) CDRs as canonical legs (macros/canonical_leg.sql). -#}
{{ asterisk_canonical_legs('stg_asterisk_cdr_csv__legs', 'asterisk_cdr_csv') }}
