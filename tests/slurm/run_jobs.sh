#!/usr/bin/env bash
# The jobs/ scripts under a real, private, single-node SLURM (../shared/PLATFORM.md §5):
# starts munged, slurmctld and slurmd with a generated configuration in WORK, submits every job
# with `sbatch -W` (srun and mpirun launchers), checks what each wrote, and stops exactly the
# daemons it started — also on failure.
#   run_jobs.sh RANKWISE JOBS_DIR WORK_DIR
# Exit 77 (ctest: skipped) when SLURM or munge is missing or when not root (slurmd needs root).
set -euo pipefail
RANKWISE=$(readlink -f "$1")
JOBS=$(readlink -f "$2")
WORK=$3

for tool in munged slurmctld slurmd sbatch scontrol setpriv; do
  command -v "$tool" >/dev/null || { echo "skip: $tool not installed (scripts/setup.sh --with-slurm)"; exit 77; }
done
[[ $(id -u) -eq 0 ]] || { echo "skip: slurmd needs root"; exit 77; }
[[ -r /etc/munge/munge.key ]] || { echo "skip: no /etc/munge/munge.key"; exit 77; }

rm -rf "$WORK"
mkdir -p "$WORK"/{state,spool,log,run}
# munged runs as user munge: its socket must not sit below a directory munge cannot enter
# (a clone in a `mktemp -d` folder is 0700), so it gets a traversable folder of its own.
MUNGE=$(mktemp -d /tmp/rankwise-munge.XXXXXX)
chmod 0755 "$MUNGE"
chown munge:munge "$MUNGE"
pids=()
stop() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$MUNGE"
  if ((status != 0)); then
    echo "---- slurmctld log"; tail -20 "$WORK/log/slurmctld.log" 2>/dev/null || true
    echo "---- slurmd log"; tail -20 "$WORK/log/slurmd.log" 2>/dev/null || true
  fi
  exit "$status"
}
trap stop EXIT
trap 'exit 143' INT TERM  # a killed run still stops its daemons (through the EXIT trap)

# munge on a private socket, as user munge, in the foreground ($! is munged itself).
setpriv --reuid=munge --regid=munge --clear-groups munged --foreground --socket="$MUNGE/munge.socket" \
  --pid-file="$MUNGE/munged.pid" --log-file="$MUNGE/munged.log" --seed-file="$MUNGE/munged.seed" &
pids+=($!)

host=$(hostname)
# Ports from this run's pid: a stale cluster left by another run cannot capture our jobs.
ctld_port=$((20000 + ($$ % 4000) * 2))
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=rankwise-test
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE/munge.socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
for _ in $(seq 50); do [[ -S "$MUNGE/munge.socket" ]] && break; sleep 0.1; done
[[ -S "$MUNGE/munge.socket" ]] || { echo "FAIL: munged did not start"; cat "$MUNGE/munged.log" 2>/dev/null; exit 1; }
slurmctld -D -i -f "$SLURM_CONF" &
pids+=($!)
slurmd -D -f "$SLURM_CONF" &
pids+=($!)
for _ in $(seq 100); do
  scontrol show node localhost 2>/dev/null | grep -q "State=IDLE" && break
  sleep 0.3
done
scontrol show node localhost | grep -q "State=IDLE" || { echo "FAIL: the node never became idle"; exit 1; }
echo "slurm up: $(scontrol show node localhost | grep -o 'State=[A-Z]*')"

# Data for the jobs, written by rankwise itself.
cd "$WORK"
mpirun -n 2 "$RANKWISE" generate blobs --out blobs.h5 --rows 20000 --centers 3 >/dev/null
mpirun -n 2 "$RANKWISE" generate regression --out reg.h5 --rows 5000 --features 4 >/dev/null
mpirun -n 2 "$RANKWISE" generate taxi --out taxi --rows 20000 --files 2 >/dev/null

failures=0
submit() {  # name launcher job [VAR=value...]
  local name=$1 launcher=$2 job=$3
  shift 3
  local vars="ALL,RANKWISE=$RANKWISE,LAUNCHER=$launcher"
  for kv in "$@"; do vars+=",$kv"; done
  if sbatch -W --quiet --chdir="$WORK" --output="$WORK/$name.out" --export="$vars" "$JOBS/$job" >/dev/null; then
    echo "ok: $name"
  else
    echo "FAIL: $name (exit $?)"; cat "$WORK/$name.out" || true
    failures=$((failures + 1))
  fi
}
expect() {  # file regex
  if grep -Eq "$2" "$WORK/$1"; then echo "ok: $1 has /$2/"; else echo "FAIL: $1 lacks /$2/"; failures=$((failures + 1)); fi
}

submit info-srun srun info.sbatch
expect info-srun.out "^ranks +2$"
submit info-mpirun mpirun info.sbatch
expect info-mpirun.out "^ranks +2$"
submit kmeans-srun srun kmeans.sbatch X=blobs.h5:/X K=3 RESULT=km.h5 PLOT=km.png
expect kmeans-srun.out "^KMeans k = 3"
[[ -s km.png && -s km.h5 ]] && echo "ok: km.png km.h5" || { echo "FAIL: kmeans outputs"; failures=$((failures + 1)); }
submit ols-mpirun mpirun ols.sbatch X=reg.h5:/X Y=reg.h5:/y MODEL=lr.h5
expect ols-mpirun.out "^R\^2 +0\.99"
submit taxi-srun srun taxi.sbatch "CSV=$WORK/taxi/yellow_tripdata_*.csv"
expect taxi-srun.out "^[0-9] +50% "
expect taxi-srun.out "tip_amount_mean"
submit tour-srun srun tour.sbatch OUT=tour "TOUR_ARGS=--nap 0 --taxi-rows 20000 --blob-rows 50000"
expect tour-srun.out "^through rankwise, 2 ranks"
[[ -s tour/kmeans.png && -s tour/graph.svg && -s tour/trace.json ]] && echo "ok: tour pictures" ||
  { echo "FAIL: tour outputs"; failures=$((failures + 1)); }

echo "$failures failure(s)"
((failures == 0))
