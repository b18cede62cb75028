{#- The bands of a site-local time, in the order the time_band macro tests them. -#}
select band.*
from (
    values
    ('holiday', 'Public holiday of the site''s country or region, all day', 1),
    ('weekend', 'Saturday or Sunday, all day', 2),
    ('lunch', 'Lunch break on a working day (start inclusive, end exclusive)', 3),
    ('business_hours', 'Working day between opening (inclusive) and closing (exclusive), lunch excepted', 4),
    ('after_hours', 'Working day before opening or from closing on', 5)
) as band (time_band, description, sort_order)
