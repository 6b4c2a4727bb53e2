"""Checks a contract register on Spark with `aiassure worker`, and writes the results as Parquet.

Each Spark partition of requests is handed to one `aiassure worker` process on its executor
(the clause library is compiled once per partition, not once per document); the worker answers
each request with the document's rows of the three results tables, and the job writes them as
`OUT/documents`, `OUT/verdicts` and `OUT/features`, partitioned by `doc_type`. The tables' columns
come from the binary itself (`aiassure worker --schema`), so they are those `aiassure scan
--format parquet` writes (docs/parquet.md).

Input, one of:
  --manifest FILE   one file per line, a path or a JSON object with "path" (JSON lines results
                    are manifests too); the paths must be readable on the executors (a shared
                    file system): the workers read the files themselves;
  --binary PATH     a folder (or glob) read by Spark's binaryFile source, from any file system
                    Spark reads (HDFS, S3, ...): the bytes travel to the workers in the requests.

Local run (what tests/spark.rs does):
  python3 deploy/spark/aiassure_spark.py --master 'local[2]' \\
      --aiassure target/release/aiassure --manifest files.txt --out results/

On a cluster, ship the binary with the job (docs/scale-out.md):
  spark-submit --master yarn --files target/release/aiassure \\
      deploy/spark/aiassure_spark.py --binary s3a://register/contracts/ --out s3a://register/results/
"""

import argparse
import base64
import json
import os
import stat
import subprocess
import sys
import threading
from urllib.parse import unquote

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import types as T

TABLES = ("documents", "verdicts", "features")
SPARK_TYPES = {"string": T.StringType(), "int64": T.LongType(), "boolean": T.BooleanType()}
# The extensions `aiassure scan` reads when it walks a folder (src/model.rs, Format::from_path).
READ_EXTENSIONS = {
    "pdf", "docx", "txt", "text", "md", "markdown", "html", "htm",
    "png", "jpg", "jpeg", "tif", "tiff",
}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--manifest", help="file listing the documents, one per line")
    source.add_argument("--binary", help="folder or glob of documents, read with Spark's binaryFile")
    p.add_argument("--out", required=True, help="folder for the results tables")
    p.add_argument("--aiassure", default="aiassure",
                   help="the aiassure binary on the executors (default: the one shipped with "
                        "--files, else aiassure on PATH)")
    p.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[2])")
    p.add_argument("--partitions", type=int,
                   help="partitions of requests (default: Spark's default parallelism)")
    p.add_argument("--worker-arg", action="append", default=[],
                   help="an argument for every worker, e.g. --worker-arg=--doc-type=contract")
    return p.parse_args(argv)


def binary_on_executor(configured):
    """The shipped binary (spark-submit --files .../aiassure), made executable, else `configured`."""
    try:
        shipped = SparkFiles.get(os.path.basename(configured))
    except Exception:  # no SparkContext files on this executor
        shipped = None
    path = shipped if shipped and os.path.isfile(shipped) else configured
    if os.path.isfile(path) and not os.access(path, os.X_OK):
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def schema_of(binary):
    """The tables' Spark schemas, from `aiassure worker --schema`."""
    columns = json.loads(subprocess.run([binary, "worker", "--schema"], check=True,
                                        capture_output=True, text=True).stdout)
    return {
        table: T.StructType([T.StructField(c["name"], SPARK_TYPES[c["type"]], c["nullable"])
                             for c in columns[table]])
        for table in TABLES
    }


def answer(requests, binary, worker_args):
    """Runs one worker over a partition's requests (JSON strings) and yields its answers, in order.

    Requests are written from a second thread while answers are read, so neither pipe fills up.
    """
    proc = subprocess.Popen([binary_on_executor(binary), "worker", "--emit", "rows", *worker_args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sent = [0]
    failure = []

    def feed():
        try:
            for request in requests:
                proc.stdin.write(request.encode("utf-8") + b"\n")
                sent[0] += 1
        except BrokenPipeError as e:  # the worker died; reported below with its stderr
            failure.append(e)
        except Exception as e:  # reading the partition failed: stop the worker, report it
            failure.append(e)
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    answered = 0
    for line in proc.stdout:
        answered += 1
        yield json.loads(line)
    feeder.join()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    if proc.wait() != 0 or failure or answered != sent[0]:
        raise RuntimeError(
            f"aiassure worker answered {answered} of {sent[0]} requests (exit {proc.returncode}); "
            f"{failure[0] if failure else ''} {stderr.strip()}")


def manifest_requests(spark, manifest):
    def request(line):
        line = line.strip()
        if not line:
            return []
        path = json.loads(line)["path"] if line.startswith("{") else line
        return [json.dumps({"path": path})]
    return spark.read.text(manifest).rdd.flatMap(lambda row: request(row.value))


def binary_requests(spark, location):
    def readable(path):
        name = path.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return ext in READ_EXTENSIONS and not name.startswith((".", "~$"))

    def request(row):
        # Local files are named as `aiassure scan` names them; other file systems keep their URI.
        name = unquote(row.path[len("file:"):]) if row.path.startswith("file:") else row.path
        return json.dumps({"name": name, "bytes_b64": base64.b64encode(row.content).decode("ascii")})

    files = (spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(location)
             .select("path", "content"))
    return files.rdd.filter(lambda row: readable(row.path)).map(request)


def main(argv):
    args = parse_args(argv)
    builder = SparkSession.builder.appName("aiassure")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    schemas = schema_of(args.aiassure if os.path.isfile(args.aiassure) else binary_on_executor(args.aiassure))
    requests = (manifest_requests(spark, args.manifest) if args.manifest
                else binary_requests(spark, args.binary))
    requests = requests.repartition(args.partitions or spark.sparkContext.defaultParallelism)
    binary, worker_args = args.aiassure, list(args.worker_arg)
    answers = requests.mapPartitions(lambda part: answer(part, binary, worker_args))
    answers.persist(StorageLevel.MEMORY_AND_DISK)
    for table in TABLES:
        names = schemas[table].names
        rows = answers.flatMap(lambda a, t=table, n=names: [tuple(r[c] for c in n) for r in a[t]])
        (spark.createDataFrame(rows, schemas[table]).write.mode("overwrite")
         .partitionBy("doc_type").parquet(os.path.join(args.out, table)))
    documents = spark.read.parquet(os.path.join(args.out, "documents")).count()
    print(f"aiassure_spark: {documents} documents; results in {args.out}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
