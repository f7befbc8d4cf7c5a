/**
 * Small helpers shared by the load generator: reading a process's memory and CPU from
 * /proc (Linux only), and the order statistics the report uses.
 */
'use strict';

const fs = require('fs');

// USER_HZ: /proc/PID/stat counts CPU time in these ticks. It is 100 on every Linux
// distribution Node supports; run.py records `getconf CLK_TCK` next to the figures.
const TICKS_PER_SECOND = 100;

/** Resident set size of one process in kB (VmRSS), or NaN once the process is gone. */
function readRssKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
    return match ? Number(match[1]) : NaN;
  } catch (err) {
    return NaN;
  }
}

/** User + system CPU time of one process (all its threads) in milliseconds. */
function readCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch (err) {
    return NaN;
  }
}

/**
 * CPU time the whole machine spent busy (all cores, all processes) in milliseconds, from the
 * first line of /proc/stat: user, nice, system, irq, softirq and steal. Minus the server's
 * and the generator's own CPU, it shows how much else ran during a measurement.
 */
function readMachineBusyMs() {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / TICKS_PER_SECOND;
  } catch (err) {
    return NaN;
  }
}

/** Sum of fn(pid) over several processes (the three servers of a cluster). */
function sumOver(pids, fn) {
  return pids.reduce((total, pid) => total + fn(pid), 0);
}

/** Nearest-rank percentile of an ascending array; p in (0, 1]. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

function median(values) {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** p50/p95/p99/max of a list of times (ms), ignoring missing (NaN) entries. */
function distribution(values) {
  const sorted = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Round to 0.1 ms for the JSON output; NaN becomes null so the JSON stays valid. */
function round1(value) {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : null;
}

/**
 * The kernel's count of connections dropped because a listen queue was full
 * (TcpExt ListenOverflows in /proc/net/netstat; machine-wide). A dropped SYN is retried by
 * the client after 1, 3, 7, 15 … s, which a connection storm then shows as its tail.
 */
function readListenOverflows() {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 1) {
      if (!lines[i].startsWith('TcpExt:')) continue;
      const names = lines[i].trim().split(/\s+/);
      const values = lines[i + 1].trim().split(/\s+/);
      const at = names.indexOf('ListenOverflows');
      return at > 0 ? Number(values[at]) : NaN;
    }
  } catch (err) {
    return NaN;
  }
  return NaN;
}

module.exports = { readRssKb, readCpuMs, readMachineBusyMs, readListenOverflows, sumOver, percentile, median, distribution, round1 };
