#!/usr/bin/env bash
# Runs COMMAND on a single-node Slurm cluster started on this machine for it, then stops the cluster.
#
#   tools/slurm_local.sh [--cpus N] COMMAND [ARG...]
#
# Everything lives in a new temporary directory: a generated munge key, munged on its own socket, a
# slurm.conf for one node (this host, 127.0.0.1, two free unprivileged ports), slurmctld and slurmd.
# No plugin needs cgroups or root-only setup (proctrack/linuxproc, task/none, no accounting), the
# daemons run as the calling user, and two clusters on one machine do not meet (own ports, sockets,
# spool directories), so tests may start them in parallel. COMMAND runs with SLURM_CONF pointing at
# the cluster (sbatch, squeue and scancel find it there) and SLURM_LOCAL_DIR at the directory.
# The daemons are stopped and the directory removed on every exit, failures and signals included.
#
# Exit status: COMMAND's; 77 when Slurm or munge is not installed or the cluster does not come up
# (the reason is printed: CTest reports a skip); 2 for a usage error.
set -euo pipefail

cpus=2
if [ "${1:-}" = "--cpus" ]; then
  cpus=${2:-}
  shift 2 || true
fi
if ! [[ $cpus =~ ^[0-9]+$ ]] || [ "$cpus" -lt 1 ] || [ "$cpus" -gt 1024 ]; then
  echo "slurm_local: error: --cpus ${cpus}: expected 1 to 1024" >&2
  exit 2
fi
if [ $# -eq 0 ]; then
  echo "usage: tools/slurm_local.sh [--cpus N] COMMAND [ARG...]" >&2
  exit 2
fi

skip() {
  echo "slurm_local: SKIPPED: $*" >&2
  exit 77
}
for tool in munged mungekey slurmctld slurmd sbatch squeue scancel python3; do
  command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] || skip "$tool is not installed (tools/setup.sh installs slurm-wlm and munge)"
done
PATH=$PATH:/usr/sbin

dir=$(mktemp -d /tmp/ernsim-slurm-XXXXXX)
pids=()
stop() {
  local status=$?
  # Jobs first (their steps are children of slurmd), then the daemons, each by its own pid.
  if [ -f "$dir/slurm.conf" ] && [ ${#pids[@]} -gt 1 ]; then
    SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --user "$(id -un)" 2> /dev/null || true
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2> /dev/null || true
  done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    for _ in $(seq 50); do
      kill -0 "${pids[i]}" 2> /dev/null || break
      sleep 0.1
    done
    kill -KILL "${pids[i]}" 2> /dev/null || true
  done
  # A slurmstepd that outlived slurmd (it is not slurmd's child): it holds a socket in our spool.
  local proc
  for proc in /proc/[0-9]*; do
    [ "${proc#/proc/}" != $$ ] || continue
    if ls -l "$proc/fd" 2> /dev/null | grep -q -F " -> $dir/"; then kill -KILL "${proc#/proc/}" 2> /dev/null || true; fi
  done
  rm -rf "$dir"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free TCP ports on 127.0.0.1 (bound and released: a small race, retried by the daemons' own
# failure, which becomes a skip below).
read -r ctld_port slurmd_port < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
PY
)

user=$(id -un)
host=$(hostname -s)
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"
mungekey --create --keyfile="$dir/munge/munge.key" --bits=1024 2> "$dir/log/mungekey.log" ||
  skip "mungekey failed: $(tail -1 "$dir/log/mungekey.log")"
chmod 400 "$dir/munge/munge.key"
socket=$dir/munge/munge.socket
# --force: munged would refuse /tmp's world-writable (sticky) ancestors.
munged --foreground --force --socket="$socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" --log-file="$dir/log/munged.log" \
  > "$dir/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ -S "$socket" ] && break
  kill -0 "${pids[0]}" 2> /dev/null || skip "munged did not start: $(tail -2 "$dir/log/munged.out" | tr '\n' ' ')"
  sleep 0.1
done
[ -S "$socket" ] || skip "munged did not open its socket in 10 s"

cat > "$dir/slurm.conf" <<EOF
# A single-node cluster for ernsim's tests (tools/slurm_local.sh); nothing here needs cgroups or root.
ClusterName=ernsim$$
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
InactiveLimit=0
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
MaxArraySize=1001
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
: > "$dir/cgroup.conf"
export SLURM_CONF=$dir/slurm.conf SLURM_LOCAL_DIR=$dir

slurmctld -D -i -f "$SLURM_CONF" > "$dir/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$dir/log/slurmd.out" 2>&1 &
pids+=($!)

# Up when the node is idle (slurmd registered with slurmctld).
state=""
for _ in $(seq 150); do
  for p in "${pids[@]}"; do
    kill -0 "$p" 2> /dev/null || skip "a daemon exited: $(tail -3 "$dir"/log/*.log "$dir"/log/*.out 2> /dev/null | grep -i -m3 'error\|fatal' | tr '\n' ' ')"
  done
  state=$(timeout 5 sinfo -h -N -o %T 2> /dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.2
done
[ "$state" = "idle" ] || skip "the node did not become idle in 30 s (state '${state}'): $(grep -i -h -m3 'error\|fatal' "$dir"/log/*.log 2> /dev/null | tr '\n' ' ')"
echo "slurm_local: cluster ernsim$$ up (node $host, $cpus CPUs, slurmctld port $ctld_port, slurmd port $slurmd_port)" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
