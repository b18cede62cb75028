"""Ingest: land the PBX files, load raw records per format, load business configuration."""

import dagster as dg

from ingestion.collect.file_poller import SETTLE_SECONDS, land_settled
from ingestion.config.company import load_sites, load_sources
from ingestion.config.tariffs import read_tariffs
from ingestion.formats import FORMATS
from ingestion.raw import reference
from ingestion.raw.load import FileLoad, load_pending
from ingestion.raw.validation import SourceRules
from orchestration.rates import RateLines
from orchestration.resources import LocationsResource, WarehouseResource

LANDED_FILES = dg.AssetKey(["landing", "files"])
REFERENCE_TABLES = ("sites", "trunks", "trunk_match_patterns", "dids", "sources", "tariff_rates")


class LandingConfig(dg.Config):
    settle_seconds: float = SETTLE_SECONDS  # pause before the second look at new or changed files


@dg.asset(
    key=LANDED_FILES,
    group_name="ingest",
    description="Immutable copies of every new complete PBX file of folder/S3/SFTP sources, with a manifest.",
)
def landed_files(
    context: dg.AssetExecutionContext, config: LandingConfig, locations: LocationsResource
) -> dg.MaterializeResult:
    """Land complete files by the collectors' rule: never an in-progress name, two looks must agree.

    A compressed file that stopped changing but does not decode to its end lands too: the raw load
    quarantines it whole; the metadata and a warning name it with its reason.
    """
    landed = duplicates = waiting = 0
    failed = []
    quarantined: list[str] = []
    for source in load_sources(locations.input_path, known_formats=set(FORMATS)):
        if source.transport.is_stream:
            continue  # its collector daemon lands spool chunks
        try:
            result = land_settled(source, locations.landing_path, config.settle_seconds)
        except Exception as exc:  # one unreachable server must not keep the other sources out
            failed.append(source.name)
            context.log.warning(f"{source.name}: cannot poll ({type(exc).__name__}: {exc})")
            continue
        landed += len(result.landed)
        duplicates += len(result.already_landed)
        waiting += len(result.waiting)
        for file in result.quarantined:
            quarantined.append(f"{source.name}: {file.original_name}: {file.quarantine_reason}")
            context.log.warning(f"{quarantined[-1]} (landed, to be quarantined whole)")
        context.log.info(
            f"{source.name}: {len(result.landed)} new, {len(result.already_landed)} already landed, "
            f"{len(result.waiting)} not complete ({', '.join(result.waiting[:5])})"
        )
    return dg.MaterializeResult(
        metadata={
            "new_files": landed,
            "already_landed": duplicates,
            "not_complete": waiting,
            "quarantined_files": len(quarantined),
            "quarantined": dg.MetadataValue.text("\n".join(quarantined)),
            "sources_failed": ", ".join(failed),
        }
    )


RAW_BOOKKEEPING = {
    "loaded_files": "Every landed file loaded into a raw table, with record and quarantine counts.",
    "quarantine": (
        "Records that failed to parse or validate: source, file, line, byte offset, raw text, field, reason "
        "(line 0: the whole file)."
    ),
    "replaced_text": "Bytes as written of free-text fields kept with U+FFFD for undecodable bytes.",
    "record_duplicates": "Records seen again (same record identity): where, and the first one they repeat.",
}


@dg.multi_asset(
    specs=[
        *(
            dg.AssetSpec(
                dg.AssetKey(["raw", fmt.name]),
                deps=[LANDED_FILES],
                group_name="ingest",
                description=f"{fmt.vendor}: {fmt.description}. One row per record with lineage.",
            )
            for fmt in FORMATS.values()
        ),
        *(
            dg.AssetSpec(
                dg.AssetKey(["raw", name]), deps=[LANDED_FILES], group_name="ingest", description=text
            )
            for name, text in RAW_BOOKKEEPING.items()
        ),
    ],
    name="raw_records",
)
def raw_records(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, locations: LocationsResource
):
    """Load every landed file not loaded yet into its format's raw table; each file whole or not at all.

    Records are validated at load by their source's rules (max_call_seconds, date_format).
    """
    sources = load_sources(locations.input_path)
    encodings = {s.name: s.encoding for s in sources}
    column_orders = {s.name: s.columns for s in sources if s.columns}
    rules = {s.name: SourceRules(s.max_call_seconds, s.date_format) for s in sources}
    progress = RateLines(context.log, "raw load")
    with warehouse.connect() as con:
        loads = load_pending(
            con, locations.landing_path, set(FORMATS), encodings, column_orders, rules, progress=progress
        )
        totals = {
            fmt.name: con.execute(f"SELECT count(*) FROM {fmt.raw_table}").fetchall()[0][0]
            for fmt in FORMATS.values()
        }
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine").fetchall()[0][0]
        replaced = con.execute("SELECT count(*) FROM raw.replaced_text").fetchall()[0][0]
        repeated = con.execute("SELECT count(*) FROM raw.record_duplicates").fetchall()[0][0]
    _log_loads(context, loads)
    for fmt in FORMATS.values():
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", fmt.name]), metadata={"records_total": totals[fmt.name]}
        )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "loaded_files"]),
        metadata={
            "files_loaded": len(loads),
            "records_loaded": sum(x.records for x in loads),
            "records_quarantined": sum(x.quarantined for x in loads),
            "files_quarantined_whole": sum(1 for x in loads if x.whole_file_reason),
            "seconds": progress.figures.get("seconds", 0.0),
            "records_per_second": progress.figures.get("records_per_second", 0.0),
        },
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "quarantine"]), metadata={"records_total": quarantined}
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "replaced_text"]), metadata={"fields_total": replaced}
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "record_duplicates"]), metadata={"records_total": repeated}
    )


def _log_loads(context: dg.AssetExecutionContext, loads: list[FileLoad]) -> None:
    """One line per source, and one warning per file with quarantined records (not a line per file)."""
    per_source: dict[str, list[FileLoad]] = {}
    for load in loads:
        per_source.setdefault(load.source, []).append(load)
        if load.whole_file_reason:
            context.log.warning(f"{load.landed_path}: quarantined whole: {load.whole_file_reason}")
        elif load.quarantined:
            context.log.warning(f"{load.landed_path}: {load.quarantined} records quarantined")
    for source, files in sorted(per_source.items()):
        records = sum(f.records for f in files)
        context.log.info(f"{source}: {len(files)} files, {records} records")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["raw", table]), group_name="ingest", description=f"Configuration table raw.{table}."
        )
        for table in REFERENCE_TABLES
    ],
    name="raw_reference",
)
def raw_reference(warehouse: WarehouseResource, locations: LocationsResource):
    """Validate config/sites.yml, config/sources.yml and tariffs/*.csv, then load them."""
    sites = load_sites(locations.input_path)
    sources = load_sources(locations.input_path)
    rates = read_tariffs(locations.input_path)
    with warehouse.connect() as con:
        counts = reference.load_sites(con, sites)
        counts["sources"] = reference.load_sources(con, sources)
        counts["tariff_rates"] = reference.load_tariffs(con, rates)
    for table in REFERENCE_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata={"rows": counts[table]})


defs = dg.Definitions(assets=[landed_files, raw_records, raw_reference])
