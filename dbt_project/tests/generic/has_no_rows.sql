{#- A model that lists problems is empty: every row it holds is a failure. -#}
{% test has_no_rows(model) %}
select * from {{ model }}
{% endtest %}
