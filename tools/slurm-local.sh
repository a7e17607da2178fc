#!/usr/bin/env bash
# A one-node Slurm on this machine, for the Slurm executor's tests: writes /etc/slurm/slurm.conf (Debian's
# slurm-wlm reads it there), makes a munge key if there is none, and starts munged, slurmctld and slurmd as
# root, then waits until sinfo shows the node idle. Idempotent: daemons already up are left alone.
# Needs root and Debian's slurm-wlm and munge packages (.ci/run installs them).
# Usage: tools/slurm-local.sh [start]        (state and logs under $SLURM_LOCAL_DIR, default /tmp/slurm-local)
set -euo pipefail
cmd="${1:-start}"
if [ "$cmd" != start ]; then
  echo "usage: $0 [start]" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: $0: the daemons run as root; run it as root" >&2
  exit 1
fi
for b in munged mungekey slurmctld slurmd sinfo; do
  command -v "$b" >/dev/null || PATH="$PATH:/usr/sbin:/sbin"
  command -v "$b" >/dev/null || { echo "error: $0: $b not found; install slurm-wlm and munge" >&2; exit 1; }
done
base="${SLURM_LOCAL_DIR:-/tmp/slurm-local}"
mkdir -p "$base/spool" "$base/state" "$base/log"
host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
real_mb=$(( mem_mb * 9 / 10 ))
conf=/etc/slurm/slurm.conf
mkdir -p /etc/slurm
new="$(mktemp)"
cat >"$new" <<EOF
# written by vivarium's tools/slurm-local.sh: a one-node cluster for tests
ClusterName=vivarium
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
KillWait=30
SlurmdTimeout=60
SlurmctldTimeout=60
SchedulerParameters=sched_interval=2
MinJobAge=300
SlurmdSpoolDir=$base/spool
StateSaveLocation=$base/state
SlurmctldPidFile=$base/slurmctld.pid
SlurmdPidFile=$base/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
changed=""
if ! cmp -s "$new" "$conf" 2>/dev/null; then
  install -m 0644 "$new" "$conf"
  changed=1
fi
rm -f "$new"

# munge: a key owned by munge, mode 0400, and the daemon
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  if ! mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
chmod 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- munged --force
  for _ in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

# a daemon is alive if its pid file names a process that is not a zombie
alive() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1")"
  [ -r "/proc/$pid/stat" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}
if [ -n "$changed" ]; then
  # a changed configuration: restart whichever daemons this script started before
  for d in slurmd slurmctld; do
    if alive "$base/$d.pid"; then
      kill "$(cat "$base/$d.pid")" || true
      for _ in $(seq 50); do alive "$base/$d.pid" || break; sleep 0.1; done
    fi
  done
fi
alive "$base/slurmctld.pid" || slurmctld
alive "$base/slurmd.pid" || slurmd

logs() {
  for f in "$base/log/slurmctld.log" "$base/log/slurmd.log" /var/log/munge/munged.log; do
    echo "---- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2 2>/dev/null || echo "(none)" >&2
  done
}
# bounded wait for the node to be idle (a node left DOWN by an earlier run is resumed)
for i in $(seq 120); do
  state="$(sinfo -h -n "$host" -o '%t' 2>/dev/null | head -1 || true)"
  case "$state" in
    idle*|mix*|alloc*) echo "slurm: node $host $state ($cpus CPUs, ${real_mb} MB); conf $conf; logs in $base/log"
      exit 0 ;;
    down*|drain*|fail*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
  esac
  sleep 0.5
done
echo "error: $0: node $host not idle after 60 s (sinfo state: '${state:-no answer}'); logs in $base/log" >&2
logs
exit 1
