{#-
  One row per site and calendar day, from 1 January of the first call's year to
  31 December of the later of the last call's year and the current year, with the
  public holidays of the site's country and subdivision.
  Named periods (is_today … is_last_year) are relative to the build date in each site's
  time zone: they are right as of the last build, which runs on every pipeline run.
  Set var('as_of_date') to pin them (tests, backfills).
-#}
with calls as (
    select * from {{ ref('int_calls_merged') }}
),

sites as (
    select * from {{ ref('stg_config__sites') }}
),

holidays as (
    select * from {{ ref('stg_geography__public_holidays') }}
),

bounds as (
    select
        cast(date_trunc('year', coalesce(min(cast(started_at_local as date)), current_date)) as date) as first_day,
        cast(
            date_trunc('year', greatest(coalesce(max(cast(started_at_local as date)), current_date), current_date))
            + interval 1 year - interval 1 day
            as date
        ) as last_day
    from calls
),

days as (
    select cast(series.day as date) as date_day
    from bounds, generate_series(bounds.first_day, bounds.last_day, interval 1 day) as series (day)
),

site_days as (
    select
        sites.site_id,
        sites.site_country,
        days.date_day,
        {% if var('as_of_date', none) %}
        cast('{{ var("as_of_date") }}' as date)
        {% else %}
        cast(timezone(sites.site_timezone, now()) as date)
        {% endif %} as today
    from sites
    cross join days
)

select
    site_days.site_id || ':' || strftime(site_days.date_day, '%Y-%m-%d') as date_id,
    site_days.site_id,
    site_days.date_day,
    site_days.site_country,
    cast(isodow(site_days.date_day) as integer) as day_of_week,
    dayname(site_days.date_day) as day_name,
    isodow(site_days.date_day) >= 6 as is_weekend,
    holidays.holiday_date is not null as is_holiday,
    holidays.holiday_name,
    isodow(site_days.date_day) < 6 and holidays.holiday_date is null as is_working_day,
    cast(weekofyear(site_days.date_day) as integer) as iso_week,
    cast(isoyear(site_days.date_day) as integer) as iso_year,
    cast(month(site_days.date_day) as integer) as month_number,
    monthname(site_days.date_day) as month_name,
    cast(quarter(site_days.date_day) as integer) as quarter_number,
    cast(year(site_days.date_day) as integer) as year_number,
    site_days.today as as_of_date,
    site_days.date_day = site_days.today as is_today,
    site_days.date_day = site_days.today - 1 as is_yesterday,
    date_trunc('week', site_days.date_day) = date_trunc('week', site_days.today) as is_this_week,
    date_trunc('week', site_days.date_day) = date_trunc('week', site_days.today) - interval 7 day as is_last_week,
    date_trunc('month', site_days.date_day) = date_trunc('month', site_days.today) as is_this_month,
    date_trunc('month', site_days.date_day) = date_trunc('month', site_days.today) - interval 1 month as is_last_month,
    year(site_days.date_day) = year(site_days.today) as is_this_year,
    year(site_days.date_day) = year(site_days.today) - 1 as is_last_year
from site_days
left join holidays
    on site_days.site_id = holidays.site_id
    and site_days.date_day = holidays.holiday_date
