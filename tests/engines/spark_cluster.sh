#!/usr/bin/env bash
# A Spark standalone cluster on this machine, started by hand as Spark's docs describe ("Starting a Cluster
# Manually": spark-class org.apache.spark.deploy.master.Master, then ...deploy.worker.Worker <master URL>):
# one master and two workers (1 core, 1 GB each), from the Spark that pip installed with pyspark.
#   spark_cluster.sh start DIR PORT   # returns once both workers have registered with the master
#   spark_cluster.sh stop DIR         # stops the three processes it started (by their pids in DIR)
set -euo pipefail
cmd=$1 dir=$2
python=${PYTHON:-python3}
SPARK_HOME=$("$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
case "$cmd" in
start)
  port=$3
  mkdir -p "$dir"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0 \
    >"$dir/master.log" 2>&1 &
  echo $! >"$dir/master.pid"
  for _ in $(seq 1 120); do
    grep -q "I have been elected leader" "$dir/master.log" && break
    sleep 1
  done
  grep -q "I have been elected leader" "$dir/master.log" || { echo "spark_cluster.sh: the master did not start" >&2; tail -5 "$dir/master.log" >&2; exit 1; }
  for i in 1 2; do
    mkdir -p "$dir/work$i"
    "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1g \
      --webui-port 0 --work-dir "$dir/work$i" "spark://127.0.0.1:$port" >"$dir/worker$i.log" 2>&1 &
    echo $! >"$dir/worker$i.pid"
  done
  for i in 1 2; do
    for _ in $(seq 1 120); do
      grep -q "Successfully registered with master" "$dir/worker$i.log" && break
      sleep 1
    done
    grep -q "Successfully registered with master" "$dir/worker$i.log" || { echo "spark_cluster.sh: worker $i did not register" >&2; tail -5 "$dir/worker$i.log" >&2; exit 1; }
  done
  ;;
stop)
  for name in worker1 worker2 master; do
    if [ -f "$dir/$name.pid" ]; then
      kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
      rm -f "$dir/$name.pid"
    fi
  done
  ;;
*)
  echo "usage: spark_cluster.sh start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
