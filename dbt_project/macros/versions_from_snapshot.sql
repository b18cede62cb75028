{#-
  SCD2 versions of an entity whose source carries no effective dates (sites,
  trunks, departments), from its dbt snapshot: the first version holds from
  the beginning of time (1900-01-01), each later one from the day the
  warehouse first saw it (the day's last change wins), until the next version,
  the day the row left its source, or 9999-12-31. valid_to is exclusive.
-#}
{% macro versions_from_snapshot(snapshot, id_column) -%}
select
    *,
    case
        when row_number() over (partition by {{ id_column }} order by learned_on) = 1 then date '1900-01-01'
        else learned_on
    end as valid_from,
    coalesce(
        lead(learned_on) over (partition by {{ id_column }} order by learned_on),
        cast(dbt_valid_to as date),
        date '9999-12-31'
    ) as valid_to
from (
    select
        *,
        cast(dbt_valid_from as date) as learned_on
    from {{ snapshot }}
    qualify row_number() over (
        partition by {{ id_column }}, cast(dbt_valid_from as date) order by dbt_valid_from desc
    ) = 1
) as daily_versions
{%- endmacro %}
