{#- One typed row per Asterisk cdr_csv CDR (a call leg); times are the site's local wall clock. -#}
{{ asterisk_cdr_file_legs(source('asterisk_cdr_csv', 'asterisk_cdr_csv')) }}
