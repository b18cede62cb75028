{#-
  A 12-hour clock 'hh:mm' with an AM/PM marker as a 24-hour interval since midnight.
  pm_flag is a boolean; 12 PM is noon, 12 AM (and 00 AM) midnight; without a marker
  (pm_flag null) the hour is taken as written (a 24-hour clock).
-#}
{% macro twelve_hour_time(hh_mm, pm_flag) -%}
(
    to_hours(
        case
            when {{ pm_flag }} is null then try_cast(split_part({{ hh_mm }}, ':', 1) as integer)
            when {{ pm_flag }} then try_cast(split_part({{ hh_mm }}, ':', 1) as integer) % 12 + 12
            else try_cast(split_part({{ hh_mm }}, ':', 1) as integer) % 12
        end
    )
    + to_minutes(try_cast(split_part({{ hh_mm }}, ':', 2) as integer))
)
{%- endmacro %}

{#-
  The landed files of every source with the moment they landed in the source's site time zone:
  the date reference for formats whose records carry no year or no date (Mitel, Avaya CM).
-#}
{% macro landed_files_local() -%}
select
    loaded_files.source as source_name,
    loaded_files.sha256 as landed_file_sha256,
    timezone(sites.site_timezone, loaded_files.landed_at) as landed_at_local
from {{ source('raw', 'loaded_files') }} as loaded_files
inner join {{ ref('stg_config__sources') }} as sources on loaded_files.source = sources.source_name
inner join {{ ref('stg_config__sites') }} as sites on sources.site_id = sites.site_id
{%- endmacro %}
