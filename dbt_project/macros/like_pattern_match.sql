{#-
  Whether a text matches a SQL LIKE pattern written with '!' as its escape character (trunk
  patterns, ingestion/config/trunk_matching.py). Standard SQL, the same on DuckDB and Spark.
-#}
{% macro like_pattern_match(text, pattern) -%}
{{ text }} like {{ pattern }} escape '!'
{%- endmacro %}
