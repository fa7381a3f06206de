#!/bin/bash
# usage: benchmarks/run_paused.sh CMD...   runs CMD alone: takes a lock, SIGSTOPs every other python
# process on the machine for the duration (a timing wrapper for a dedicated benchmark machine;
# they are resumed on exit), prints the load, and stops CMD after 600 s.
exec 9>${RUN_PAUSED_LOCK:-/tmp/run_paused.lock}
flock 9
me=$$
pids=$(pgrep -f python | grep -v -w $me)
echo "$(date -u +%H:%M:%S) START [$PWD] $*" >> ${RUN_PAUSED_LOG:-/tmp/run_paused.log}
for p in $pids; do kill -STOP $p 2>/dev/null; done
trap 'for p in $pids; do kill -CONT $p 2>/dev/null; done' EXIT
sleep 1
echo "load before: $(cat /proc/loadavg)"
t0=$(date +%s)
timeout 600 "$@"
rc=$?
echo "$(date -u +%H:%M:%S) END rc=$rc $(( $(date +%s)-t0 ))s [$PWD] $*" >> ${RUN_PAUSED_LOG:-/tmp/run_paused.log}
exit $rc
