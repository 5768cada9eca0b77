"""Spark as the warehouse: ``spark:local[2]`` in this process, or ``spark://host:7077`` (or yarn, k8s://…) on a cluster.

Each canonical table is a Parquet dataset under the warehouse folder (``?warehouse=``, else
``<workspace>/spark-warehouse``), partitioned by ``store_id`` and, where the natural key has a date, by its month
(``_month``, a function of the key, so a key lives in exactly one partition)::

    spark-warehouse/traffic_daily/store_id=s1/_month=2025-10/part-….parquet
    spark-warehouse/orders/store_id=s1/part-….parquet
    spark-warehouse/_imports/part-….parquet          the ledger, one file per import

Idempotent import rewrites the partitions a batch touches: their rows whose key is not in the batch, plus the
batch (dynamic partition overwrite). That is Spark's MERGE without a table format — Delta Lake or Iceberg would
give ``MERGE INTO``, but their jars come from Maven at run time, which this project cannot count on. The new
partitions are written to scratch first (a job must not overwrite the files it reads), and each partition is
swapped in whole, so a reader sees a partition before or after an import, never half of one. Across tables there is
no transaction: the ledger row is written last, and a killed import is simply imported again.

Views: each table is registered in the session as a temporary view with exactly the canonical columns plus
``_import_id``; ``ibis.pyspark.connect(session)`` reads those.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shopops.ingest import Batch
from shopops.ingest.formats import get_format
from shopops.schema import TABLES
from shopops.warehouse.backends.base import LEDGER_COLUMNS, Folder, imported, ledger_row, unchanged
from shopops.warehouse.backends.errors import WarehouseUnavailable
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import LedgerEntry, Status
from shopops.warehouse.url import WarehouseUrl

log = logging.getLogger(__name__)

LEDGER = "_imports"
VERSION = "_import_id"
MONTH = "_month"
CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # the progress bar would land in the CLI's output
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # store '001' stays text
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
LOCAL_CONFIG = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}  # small jobs, two cores


def partitions(name: str) -> list[str]:
    return ["store_id", MONTH] if "date" in TABLES[name].key else ["store_id"]


class SparkWarehouse:
    def __init__(self, url: WarehouseUrl, folder: Folder, *, read_only: bool = False) -> None:
        self.url = url
        self.folder = folder
        self.session, self._owned = spark_session(url, folder)
        self.root = (url.warehouse_dir or str((folder.root / "spark-warehouse").resolve())).rstrip("/")
        from pyspark.sql import functions, types

        self.F, self.T = functions, types
        if not read_only:
            folder.sweep()
        self.ensure_schema()

    # ----------------------------------------------------------------------------------------------- schema

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def schema(self, name: str, *, physical: bool = True) -> Any:
        T = self.T
        types = {
            "text": T.StringType(),
            "int": T.LongType(),
            "money": T.DecimalType(18, 2),
            "number": T.DoubleType(),
            "rate": T.DoubleType(),
            "date": T.DateType(),
            "timestamp": T.TimestampNTZType(),  # naive, like DuckDB's TIMESTAMP
            "bool": T.BooleanType(),
        }
        fields = [T.StructField(c.name, types[c.type]) for c in TABLES[name].columns]
        fields.append(T.StructField(VERSION, T.LongType()))
        if physical and MONTH in partitions(name):
            fields.append(T.StructField(MONTH, T.StringType()))
        return T.StructType(fields)

    def _ledger_schema(self) -> Any:
        T = self.T
        kinds = {"import_id": T.LongType(), "rows_read": T.LongType(), "imported_at": T.TimestampNTZType()}
        return T.StructType([T.StructField(c, kinds.get(c, T.StringType())) for c in LEDGER_COLUMNS])

    def ensure_schema(self) -> None:
        """Nothing to create (a table without files reads as empty); (re)register every view."""
        self._imports = [r.asDict() for r in self._read_ledger().collect()]  # small: kept on the driver
        self._stores = {r[0] for r in self._read("stores").select("store_id").collect()}
        for name in TABLES:
            self._register(name)
        self._register_ledger()

    def _read(self, name: str) -> Any:
        if not _exists(self.session, self._path(name)):
            return self.session.createDataFrame([], self.schema(name))
        return self.session.read.schema(self.schema(name)).parquet(self._path(name))

    def _register(self, name: str) -> None:
        cols = [*TABLES[name].column_names, VERSION]
        self._read(name).select(*cols).createOrReplaceTempView(name)

    def _read_ledger(self) -> Any:
        path = self._path(LEDGER)
        if not _exists(self.session, path):
            return self.session.createDataFrame([], self._ledger_schema())
        return self.session.read.schema(self._ledger_schema()).parquet(path)

    def _register_ledger(self) -> None:
        rows = [tuple(r[c] for c in LEDGER_COLUMNS) for r in self._imports]
        self.session.createDataFrame(rows, self._ledger_schema()).createOrReplaceTempView(LEDGER)

    # ----------------------------------------------------------------------------------------------- ledger
    # The ledger is read once when the warehouse opens and kept on the driver: asking it is then free, where each
    # Spark query costs a job. Import ids are max + 1, so — as on ClickHouse — one importer at a time.

    def already_imported(self, sha256: str, store_id: str, fmt: str) -> int | None:
        ids = [
            r["import_id"]
            for r in self._imports
            if (r["sha256"], r["store_id"], r["format"]) == (sha256, store_id, fmt)
        ]
        return max(ids) if ids else None

    def unchanged_result(self, import_id: int, file: str) -> ImportResult:
        r = next(r for r in self._imports if r["import_id"] == import_id)
        rows_by_table = json.loads(r["rows_by_table"])
        return ImportResult(
            file, r["sha256"], r["format"], r["store_id"], "unchanged", import_id, r["rows_read"], rows_by_table
        )

    # ------------------------------------------------------------------------------------------------ merge

    def merge_batch(self, batch: Batch, *, force: bool = False) -> ImportResult:
        src = batch.source
        previous = self.already_imported(src.sha256, batch.store_id, batch.format)
        if previous is not None and not force:
            return unchanged(batch, previous)
        raw = self.folder.keep_raw(src.path, src.sha256, src.suffix)
        import_id = max((r["import_id"] for r in self._imports), default=0) + 1
        changed = []
        for staged in batch.tables:
            if staged.rows:
                self._merge_table(staged.table, staged.path, import_id)
                changed.append(staged.table)
        if self._ensure_stores(batch, import_id):
            changed.append("stores")
        row = ledger_row(batch, import_id, raw)
        entry = self.session.createDataFrame([tuple(row[c] for c in LEDGER_COLUMNS)], self._ledger_schema())
        entry.coalesce(1).write.mode("append").parquet(self._path(LEDGER))
        self._imports.append(row)
        for name in changed:  # a view lists its files when registered: register it again to see the new ones
            self._register(name)
        self._register_ledger()
        log.info("imported %s as #%s into %s", src.name, import_id, self.url.shown)
        return imported(batch, import_id)

    def _merge_table(self, name: str, parquet: Path, import_id: int) -> None:
        # The staged file is on this machine; executors of a cluster read the copy in the warehouse's scratch.
        scratch = f"{self.root}/_scratch/staged-{uuid.uuid4().hex[:12]}.parquet"
        fs, dst = _hadoop_path(self.session, scratch)
        fs.copyFromLocalFile(False, True, self.session._jvm.org.apache.hadoop.fs.Path(str(parquet.resolve())), dst)
        try:
            self._rewrite(name, self._staged(name, scratch, import_id), _touched(name, parquet))
        finally:
            _delete(self.session, scratch)

    def _staged(self, name: str, parquet: str, import_id: int) -> Any:
        F = self.F
        schema = self.schema(name, physical=False)
        df = self.session.read.parquet(parquet)
        df = df.select(*[F.col(f.name).cast(f.dataType) for f in schema.fields if f.name != VERSION])
        df = df.withColumn(VERSION, F.lit(import_id).cast("long"))
        if MONTH in partitions(name):
            df = df.withColumn(MONTH, F.date_format("date", "yyyy-MM"))
        return df

    def _rewrite(self, name: str, new: Any, touched: set[tuple[str, ...]]) -> None:
        """Rewrite every partition in ``touched``: its old rows whose key ``new`` lacks, plus ``new``."""
        F = self.F
        parts = partitions(name)
        dirs = ["/".join(f"{c}={v}" for c, v in zip(parts, t, strict=True)) for t in touched]
        existing = [d for d in dirs if _exists(self.session, f"{self._path(name)}/{d}")]
        writer_opts = {"partitionOverwriteMode": "dynamic"}  # static overwrite would empty the whole table
        if not existing:  # new partitions only: nothing to keep, and nothing read from where we write
            new.repartition(*parts).write.mode("overwrite").options(**writer_opts).partitionBy(*parts).parquet(
                self._path(name)
            )
            return
        old = self._read(name)
        for i, col in enumerate(parts):  # filters on partition columns: only the touched partitions are read
            old = old.where(F.col(col).isin(sorted({t[i] for t in touched})))
        keep = old.join(new.select(*TABLES[name].key), on=list(TABLES[name].key), how="left_anti")
        merged = keep.unionByName(new).repartition(*parts)  # one file per partition: fewer, larger reads
        # A job must not overwrite the files it reads: write the merged partitions to scratch, then swap them in.
        scratch = f"{self.root}/_scratch/{name}-{uuid.uuid4().hex[:12]}"
        merged.write.mode("overwrite").partitionBy(*parts).parquet(scratch)
        try:
            fresh = self.session.read.schema(self.schema(name)).parquet(scratch)
            fresh.write.mode("overwrite").options(**writer_opts).partitionBy(*parts).parquet(self._path(name))
        finally:
            _delete(self.session, scratch)

    def _ensure_stores(self, batch: Batch, import_id: int) -> bool:
        """Every store a batch mentions gets a ``stores`` row (named after its id) unless it has one."""
        mentioned = set()
        for t in batch.tables:
            if t.rows:
                mentioned |= set(pq.read_table(t.path, columns=["store_id"]).column(0).unique().to_pylist())
        new = sorted(mentioned - self._stores)
        self._stores |= mentioned
        if not new:
            return False
        platform = get_format(batch.format).platform
        cols = TABLES["stores"].column_names
        rows = [
            tuple({"store_id": s, "name": s, "platform": platform}.get(c) for c in cols) + (import_id,) for s in new
        ]
        df = self.session.createDataFrame(rows, self.schema("stores", physical=False))
        self._rewrite("stores", df, {(s,) for s in new})
        return True

    # ------------------------------------------------------------------------------------------------ reads

    def status(self) -> Status:
        tables: dict[str, dict[str, int]] = {}
        for name in TABLES:
            if _exists(self.session, self._path(name)):
                rows = self._read(name).groupBy("store_id").count().orderBy("store_id").collect()
                if rows:
                    tables[name] = {r[0]: int(r[1]) for r in rows}
        entries = tuple(
            LedgerEntry(
                int(r["import_id"]),
                r["file_name"],
                r["sha256"],
                r["format"],
                r["store_id"],
                int(r["rows_read"]),
                json.loads(r["rows_by_table"]),
                r["imported_at"].strftime("%Y-%m-%d %H:%M:%S"),
            )
            for r in sorted(self._imports, key=lambda r: r["import_id"])
        )
        return Status(workspace=self.url.shown, tables=tables, imports=entries)

    def ibis(self) -> Any:
        import ibis

        return ibis.pyspark.connect(self.session)

    def close(self) -> None:
        for name in (*TABLES, LEDGER):
            self.session.catalog.dropTempView(name)
        if self._owned:
            self.session.stop()


def spark_session(url: WarehouseUrl, folder: Folder) -> tuple[Any, bool]:
    """The active session if the caller made one (tests share one JVM), else a new one that ``close`` stops."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise WarehouseUnavailable(url=url.shown, reason="pip install 'pyspark>=3.5,<4.1'") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    if shutil.which("java") is None and not _java_home():
        raise WarehouseUnavailable(url=url.shown, reason="Spark needs Java 17: apt-get install default-jre-headless")
    master = url.master or "local[*]"  # parse_url always sets one
    builder = SparkSession.builder.master(master).appName("shopops")
    local = master.startswith("local")
    scratch = folder.tmp_dir / "spark"
    config = {**CONFIG, **(LOCAL_CONFIG if local else {}), "spark.sql.warehouse.dir": str(scratch.resolve())}
    if local:
        config["spark.local.dir"] = str(scratch.resolve())
    for key, value in config.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, bad master, cluster unreachable
        raise WarehouseUnavailable(url=url.shown, reason=str(exc).strip().splitlines()[0][:300]) from None
    session.sparkContext.setLogLevel("ERROR")
    return session, True


def _java_home() -> bool:
    return bool(os.environ.get("JAVA_HOME"))


def _touched(name: str, parquet: Path) -> set[tuple[str, ...]]:
    """The partitions a staged batch falls in, read on this machine (two columns, no Spark job)."""
    if MONTH not in partitions(name):
        return {(s,) for s in pq.read_table(parquet, columns=["store_id"]).column(0).unique().to_pylist()}
    t = pq.read_table(parquet, columns=["store_id", "date"])
    pairs = pa.table({"s": t.column("store_id"), "m": pc.strftime(t.column("date"), "%Y-%m")})
    found = pairs.group_by(["s", "m"]).aggregate([])
    return set(zip(found.column("s").to_pylist(), found.column("m").to_pylist(), strict=True))


def _hadoop_path(session: Any, path: str) -> tuple[Any, Any]:
    jvm = session._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(session._jsc.hadoopConfiguration()), p


def _exists(session: Any, path: str) -> bool:
    """Through Hadoop's file system, so an ``s3a://`` or ``hdfs://`` warehouse works like a local folder."""
    fs, p = _hadoop_path(session, path)
    return bool(fs.exists(p))


def _delete(session: Any, path: str) -> None:
    fs, p = _hadoop_path(session, path)
    fs.delete(p, True)
