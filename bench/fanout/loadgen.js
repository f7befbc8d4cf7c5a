#!/usr/bin/env node
/**
 * Fan-out load generator: N WebSocket attendees of one event, K moderator commands, and the
 * delivery latency of every resulting `update` at every attendee.
 *
 * The main thread only triggers and measures; the attendees live in --workers worker
 * threads (loadgen_worker.js) so that receiving N frames per broadcast does not queue
 * behind the trigger, and can use a second core. Latency of update U at attendee A is
 *     arrival(A, U) - send(U)
 * where send(U) is read from the monotonic clock just before the HTTP trigger request is
 * written, and arrival is read on the same clock when socket.io-client hands the `update`
 * to its listener. The trigger is an HTTP POST whose answer carries {"seq": N}; arrivals
 * are matched to sends by that seq.
 *
 * Prints one JSON object (see README) on stdout; progress goes to stderr.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const http = require('http');
const path = require('path');
const { fork } = require('child_process');
const { Worker } = require('worker_threads');
const { CLIENTS } = require('./clients');
const { readRssKb, readCpuMs, readMachineBusyMs, readListenOverflows, sumOver, median, distribution, round1 } = require('./stats');

const payloads = JSON.parse(fs.readFileSync(path.join(__dirname, 'payloads.json'), 'utf8'));

const OPTIONS = {
  url: { doc: 'Socket.IO server URL; repeat or comma-separate to spread attendees', list: true },
  n: { doc: 'number of attendees', num: true, def: 200 },
  k: { doc: 'number of broadcasts', num: true, def: 20 },
  'gap-ms': { doc: 'pause after each broadcast has reached everyone', num: true, def: 250 },
  workers: { doc: 'worker threads holding the attendees', num: true, def: 1 },
  'worker-kind': {
    doc: 'thread, or process: each worker a child process (its own open-files limit, for more '
      + 'sockets than one process may open; all read the same system-wide monotonic clock)',
    def: 'thread',
  },
  client: { doc: 'attendee implementation: raw or socket.io-client (clients.js)', def: 'raw' },
  warmup: { doc: 'broadcasts sent first and left out of the figures (JIT, caches)', num: true, def: 3 },
  slug: { doc: 'event slug sent as auth.event', def: payloads.slug },
  'trigger-url': { doc: 'URL that a POST makes the server broadcast one update' },
  'trigger-token': { doc: 'sent as Authorization: Bearer TOKEN', def: '' },
  'trigger-body': { doc: 'JSON body of the trigger POST', def: '' },
  'server-pid': { doc: 'PID(s) whose RSS and CPU are sampled', list: true },
  'proxy-pid': { doc: 'PID(s) of a proxy in front (nginx workers), sampled on their own', list: true },
  'connect-timeout-ms': { doc: 'give up on a storm after this long', num: true, def: 60000 },
  'update-timeout-ms': { doc: 'give up waiting for one update after this long', num: true, def: 10000 },
  'settle-ms': { doc: 'wait before sampling RSS after connecting', num: true, def: 1500 },
};

function parseArgs(argv) {
  const args = {};
  for (const [name, spec] of Object.entries(OPTIONS)) args[name] = spec.list ? [] : spec.def;
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const spec = OPTIONS[name];
    if (!spec || i + 1 >= argv.length) throw new Error(`bad option ${argv[i]} (options: ${Object.keys(OPTIONS)})`);
    const value = argv[i + 1];
    if (spec.list) args[name].push(...value.split(',').filter(Boolean));
    else args[name] = spec.num ? Number(value) : value;
  }
  if (!['thread', 'process'].includes(args['worker-kind'])) throw new Error('--worker-kind must be thread or process');
  if (!CLIENTS[args.client]) throw new Error(`--client must be one of ${Object.keys(CLIENTS)}`);
  if (args.url.length === 0 || !args['trigger-url']) throw new Error('--url and --trigger-url are required');
  args['server-pid'] = args['server-pid'].map(Number);
  args['proxy-pid'] = args['proxy-pid'].map(Number);
  return args;
}

const log = (text) => process.stderr.write(`[loadgen] ${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowNs = () => process.hrtime.bigint();

/** POST the trigger and resolve with its JSON answer; one keep-alive connection for all. */
function makeTrigger(args) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(args['trigger-url']);
  const body = Buffer.from(args['trigger-body'] || JSON.stringify({ type: 'announce', text: payloads.announce_text }));
  const headers = { 'Content-Type': 'application/json', 'Content-Length': body.length };
  if (args['trigger-token']) headers.Authorization = `Bearer ${args['trigger-token']}`;
  return () => new Promise((resolve, reject) => {
    const req = http.request(target, { method: 'POST', agent, headers, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`trigger answered ${res.statusCode}: ${text.slice(0, 200)}`));
        try { return resolve(JSON.parse(text)); } catch (err) { return reject(err); }
      });
    });
    req.on('timeout', () => req.destroy(new Error('trigger timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Start the workers (threads or child processes), each with its share of the N attendees. */
function startWorkers(args) {
  const workers = [];
  const share = Math.ceil(args.n / args.workers);
  const script = path.join(__dirname, 'loadgen_worker.js');
  for (let offset = 0; offset < args.n; offset += share) {
    const count = Math.min(share, args.n - offset);
    const workerData = { urls: args.url, count, globalOffset: offset, slug: args.slug, connectTimeoutMs: args['connect-timeout-ms'], client: args.client };
    let worker;
    if (args['worker-kind'] === 'process') {
      // Structured clone over the IPC channel, so typed arrays arrive as they do from a thread.
      worker = fork(script, [], { serialization: 'advanced', env: { ...process.env, LOADGEN_WORKER_DATA: JSON.stringify(workerData) } });
      worker.postMessage = (message) => worker.send(message);
    } else {
      worker = new Worker(script, { workerData });
    }
    worker.on('error', (err) => log(`worker error: ${err.stack || err}`));
    workers.push(worker);
  }
  return workers;
}

/** This process and its worker processes: the generator's CPU and RSS are theirs together. */
const generatorPids = (workers) => [process.pid, ...workers.map((w) => w.pid).filter(Boolean)];

/** Resolve with the next message of `type` from every worker (or whatever came before the timeout). */
function fromAll(workers, type, timeoutMs) {
  return Promise.all(workers.map((worker) => new Promise((resolve) => {
    const timer = setTimeout(() => { worker.off('message', onMessage); resolve(null); }, timeoutMs);
    function onMessage(message) {
      if (message.type !== type) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(message);
    }
    worker.on('message', onMessage);
  })));
}

async function connectPhase(args, workers, originNs) {
  const overflows0 = readListenOverflows();
  const opened = fromAll(workers, 'opened', args['connect-timeout-ms']);
  const connected = fromAll(workers, 'connected', args['connect-timeout-ms'] + 5000);
  for (const worker of workers) worker.postMessage({ cmd: 'connect', originNs: originNs.toString() });
  const openLoops = (await opened).map((m) => (m ? m.openLoopMs : NaN));
  const reports = (await connected).filter(Boolean);
  const connectMs = reports.flatMap((r) => Array.from(r.connectMs));
  const snapshotMs = reports.flatMap((r) => Array.from(r.snapshotMs));
  const errors = {};
  for (const r of reports) for (const [msg, c] of Object.entries(r.connectErrors)) errors[msg] = (errors[msg] || 0) + c;
  const snapshots = distribution(snapshotMs);
  return {
    open_loop_ms: round1(Math.max(...openLoops)),
    attendees_with_snapshot: snapshots.count,
    connect_all_ms: round1(distribution(connectMs).max),
    snapshot_all_ms: round1(snapshots.max),
    snapshot_p50_ms: round1(snapshots.p50),
    snapshot_p99_ms: round1(snapshots.p99),
    connect_errors: errors,
    // Machine-wide, so other programs' storms count too; the bench runs alone (flock).
    listen_overflows: readListenOverflows() - overflows0,
  };
}

/** K broadcasts, each followed by a wait until every live attendee has it, then a gap. */
async function broadcastPhase(args, workers, originNs, trigger) {
  const pids = args['server-pid'];
  const proxyPids = args['proxy-pid'];
  const completions = new Map(); // seq -> number of workers that have it everywhere
  const waiters = new Map(); // seq -> resolve
  for (const worker of workers) {
    worker.on('message', (message) => {
      if (message.type !== 'complete') return;
      const done = (completions.get(message.seq) || 0) + 1;
      completions.set(message.seq, done);
      if (done === workers.length && waiters.has(message.seq)) waiters.get(message.seq)();
    });
  }
  const allHave = (seq) => new Promise((resolve) => {
    if (completions.get(seq) === workers.length) return resolve(true);
    const timer = setTimeout(() => { waiters.delete(seq); resolve(false); }, args['update-timeout-ms']);
    waiters.set(seq, () => { clearTimeout(timer); waiters.delete(seq); resolve(true); });
  });
  const sends = []; // {seq, sendMs, complete, serverCpuMs, generatorCpuMs, wallMs}
  for (let i = 0; i < args.warmup + args.k; i += 1) {
    const serverCpu0 = sumOver(pids, readCpuMs);
    const proxyCpu0 = sumOver(proxyPids, readCpuMs);
    const generatorCpu0 = sumOver(generatorPids(workers), readCpuMs);
    const machineBusy0 = readMachineBusyMs();
    const sentNs = nowNs();
    const answer = await trigger();
    const complete = await allHave(answer.seq);
    const doneNs = nowNs();
    const serverCpuMs = sumOver(pids, readCpuMs) - serverCpu0;
    const proxyCpuMs = sumOver(proxyPids, readCpuMs) - proxyCpu0;
    const generatorCpuMs = sumOver(generatorPids(workers), readCpuMs) - generatorCpu0;
    sends.push({
      warmup: i < args.warmup,
      seq: answer.seq,
      sendMs: Number(sentNs - originNs) / 1e6,
      complete,
      wallMs: Number(doneNs - sentNs) / 1e6,
      serverCpuMs,
      proxyCpuMs,
      generatorCpuMs,
      otherCpuMs: readMachineBusyMs() - machineBusy0 - serverCpuMs - proxyCpuMs - generatorCpuMs,
    });
    if (!complete) log(`update seq=${answer.seq} did not reach every attendee within ${args['update-timeout-ms']} ms`);
    await sleep(args['gap-ms']);
  }
  return sends.filter((send) => !send.warmup);
}

/** Per update: the distribution over attendees; then the median of each figure over updates. */
function summarizeLatency(sends, collected, attendees) {
  const perUpdate = sends.map((send) => {
    const latencies = [];
    for (const report of collected) {
      const arrivals = report.arrivals[send.seq];
      if (arrivals) for (const at of arrivals) if (!Number.isNaN(at)) latencies.push(at - send.sendMs);
    }
    const d = distribution(latencies);
    return {
      seq: send.seq, received: d.count, missing: attendees - d.count, p50: d.p50, p95: d.p95, p99: d.p99, last: d.max,
      first: latencies.length ? Math.min(...latencies) : NaN, serverCpuMs: send.serverCpuMs, generatorCpuMs: send.generatorCpuMs,
    };
  });
  const over = (key) => round1(median(perUpdate.map((u) => u[key])));
  return {
    p50_ms: over('p50'),
    p95_ms: over('p95'),
    p99_ms: over('p99'),
    last_attendee_ms: over('last'),
    max_ms: round1(Math.max(...perUpdate.map((u) => u.last))),
    updates_incomplete: perUpdate.filter((u) => u.missing > 0).length,
    // Every (attendee, update) pair that arrived; the report compares it with N x K.
    deliveries_received: perUpdate.reduce((sum, u) => sum + u.received, 0),
    per_update: perUpdate.map((u) => ({
      seq: u.seq, received: u.received, first: round1(u.first), p50: round1(u.p50), p99: round1(u.p99), last: round1(u.last),
      server_cpu_ms: round1(u.serverCpuMs), generator_cpu_ms: round1(u.generatorCpuMs),
    })),
  };
}

async function main() {
  const args = parseArgs(process.argv);
  const pids = args['server-pid'];
  const trigger = makeTrigger(args);
  const workers = startWorkers(args);
  await sleep(300); // let the worker threads load socket.io-client before the storm starts
  const rssBeforeKb = sumOver(pids, readRssKb);
  const proxyRssBeforeKb = sumOver(args['proxy-pid'], readRssKb);
  const originNs = nowNs();
  log(`opening ${args.n} attendees on ${args.url.join(', ')} with ${workers.length} worker(s)`);
  const connect = await connectPhase(args, workers, originNs);
  log(`${connect.attendees_with_snapshot}/${args.n} have a snapshot after ${connect.snapshot_all_ms} ms`);
  await sleep(args['settle-ms']);
  const rssAfterKb = sumOver(pids, readRssKb);
  const proxyRssAfterKb = sumOver(args['proxy-pid'], readRssKb);
  const generatorRssKb = sumOver(generatorPids(workers), readRssKb);
  const sends = await broadcastPhase(args, workers, originNs, trigger);
  log(`${sends.length} broadcasts done`);
  const arrivalsReady = fromAll(workers, 'arrivals', 10000);
  for (const worker of workers) worker.postMessage({ cmd: 'collect' });
  const collected = await arrivalsReady;
  const latency = summarizeLatency(sends, collected.filter(Boolean), connect.attendees_with_snapshot);
  const mean = (key) => sends.reduce((sum, s) => sum + s[key], 0) / Math.max(1, sends.length);
  const result = {
    n: args.n,
    k: args.k,
    workers: workers.length,
    worker_kind: args['worker-kind'],
    client: args.client,
    warmup: args.warmup,
    urls: args.url,
    connect,
    latency,
    update_wire_bytes: collected.map((c) => c && c.updateWireBytes).find((b) => b) || null,
    disconnects_during_run: collected.reduce((sum, c) => sum + (c ? c.disconnects : 0), 0),
    server: {
      rss_before_kb: rssBeforeKb,
      rss_after_kb: rssAfterKb,
      rss_per_attendee_kb: round1((rssAfterKb - rssBeforeKb) / Math.max(1, connect.attendees_with_snapshot)),
      cpu_per_broadcast_ms: round1(mean('serverCpuMs')),
    },
    // nginx (or another proxy) in front: its own share, not counted in `server`.
    proxy: args['proxy-pid'].length ? {
      pids: args['proxy-pid'].length,
      rss_before_kb: proxyRssBeforeKb,
      rss_after_kb: proxyRssAfterKb,
      rss_per_attendee_kb: round1((proxyRssAfterKb - proxyRssBeforeKb) / Math.max(1, connect.attendees_with_snapshot)),
      cpu_per_broadcast_ms: round1(mean('proxyCpuMs')),
    } : null,
    generator: {
      rss_kb: generatorRssKb,
      cpu_per_broadcast_ms: round1(mean('generatorCpuMs')),
      broadcast_wall_ms: round1(mean('wallMs')),
    },
    // Everything else the machine ran during the broadcasts, as a share of all its cores:
    // other programs on a shared machine make every figure here worse.
    other_cpu_percent: round1((100 * sends.reduce((sum, s) => sum + Math.max(0, s.otherCpuMs), 0))
      / Math.max(1, sends.reduce((sum, s) => sum + s.wallMs, 0) * os.cpus().length)),
  };
  for (const worker of workers) worker.postMessage({ cmd: 'close' });
  await fromAll(workers, 'closed', 5000);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((err) => {
  log(`failed: ${err.stack || err}`);
  process.exit(1);
});
