{#- Rows of the Asterisk cdr table that hold a call as canonical legs (macros/canonical_leg.sql). -#}
{{ asterisk_canonical_legs('stg_asterisk_cdr_db__legs', 'asterisk_cdr_db', from_table=true) }}
