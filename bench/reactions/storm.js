#!/usr/bin/env node
/**
 * Reaction storm load generator (bench/reactions): N WebSocket attendees of one event, each
 * sending `react` R times a second for D seconds, and moderator `announce` commands sent
 * before (quiet) and during the storm.
 *
 * Measures, on one monotonic clock (process.hrtime):
 *  - command-to-last-follower latency of every announce: from just before the HTTP POST is
 *    written to the arrival of its `update` (matched by seq) at the last live attendee;
 *  - every `reactions` message at every attendee: arrival time and counts;
 *  - the acknowledgements of `react` ({ok}): the number the server counted.
 * Attendees are raw Engine.IO 4 / Socket.IO 5 clients on `ws` (as bench/fanout's "raw"
 * client), which costs the generator little CPU per message. Prints one JSON object.
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { createRequire } = require('module');

const benchRequire = createRequire(path.join(__dirname, '..', 'node', 'package.json'));
const WebSocket = benchRequire('ws');
const payloads = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fanout', 'payloads.json'), 'utf8'));

const args = { n: 2000, rate: 5, seconds: 20, quiet: 8, during: 8, url: '', 'trigger-url': '', token: '', slug: payloads.slug, 'connect-timeout-ms': 60000 };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '');
  if (!(name in args)) throw new Error(`bad option ${process.argv[i]}`);
  args[name] = typeof args[name] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
const KINDS = ['applause', 'heart', 'laugh', 'wow', 'thumbs_up'];
const log = (text) => process.stderr.write(`[storm] ${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const origin = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - origin) / 1e6;

const clients = [];
const arrivals = new Map(); // seq -> {count, last}
const waiters = new Map(); // seq -> resolve
let alive = 0;
let acksOk = 0;
let acksRefused = 0;
let sent = 0;
let disconnects = 0;
let lastReactionsAt = 0;
const connectErrors = {};

function onUpdate(update) {
  const seq = update && update.seq;
  if (!Number.isInteger(seq)) return;
  const entry = arrivals.get(seq) || { count: 0, last: 0 };
  entry.count += 1;
  entry.last = now();
  arrivals.set(seq, entry);
  if (entry.count >= alive && waiters.has(seq)) waiters.get(seq)();
}

function open(index) {
  return new Promise((resolve) => {
    // --url may list several processes (comma-separated): attendees are spread round-robin.
    const urls = args.url.split(',');
    const target = new URL('/socket.io/?EIO=4&transport=websocket', urls[index % urls.length]);
    target.protocol = 'ws:';
    const ws = new WebSocket(target, { perMessageDeflate: true, handshakeTimeout: args['connect-timeout-ms'] });
    const client = { ws, index, reactions: [], nextAck: 1, live: false };
    const timer = setTimeout(() => { connectErrors.timeout = (connectErrors.timeout || 0) + 1; ws.terminate(); resolve(null); }, args['connect-timeout-ms']);
    ws.on('message', (data) => {
      const text = data.toString('utf8');
      const engineType = text[0];
      if (engineType === '2') return ws.send('3');
      if (engineType === '0') return ws.send(`40${JSON.stringify({ event: args.slug })}`);
      if (engineType !== '4') return undefined;
      const socketType = text[1];
      if (socketType === '3') { // ack: 43<id>[{"ok":true}]
        if (text.includes('true')) acksOk += 1; else acksRefused += 1;
        return undefined;
      }
      if (socketType === '4') { connectErrors.refused = (connectErrors.refused || 0) + 1; return ws.close(); }
      if (socketType === '2' && text[2] === '[') {
        const [name, payload] = JSON.parse(text.slice(2));
        if (name === 'snapshot' && !client.live) {
          client.live = true; alive += 1; clearTimeout(timer); resolve(client);
        } else if (name === 'update') onUpdate(payload);
        else if (name === 'reactions') { lastReactionsAt = now(); client.reactions.push([lastReactionsAt, payload]); }
      }
      return undefined;
    });
    ws.on('error', (err) => { connectErrors[err.message] = (connectErrors[err.message] || 0) + 1; });
    ws.on('close', () => { if (client.live) { alive -= 1; disconnects += 1; client.live = false; } else { clearTimeout(timer); resolve(null); } });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function announce(label) {
  const body = Buffer.from(JSON.stringify({ type: 'announce', text: { lv: `${payloads.announce_text.lv} ${label}`, en: `${payloads.announce_text.en} ${label}` } }));
  const headers = { 'Content-Type': 'application/json', 'Content-Length': body.length, Authorization: `Bearer ${args.token}` };
  return new Promise((resolve, reject) => {
    const sentAt = now();
    const req = http.request(args['trigger-url'], { method: 'POST', agent, headers, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`announce answered ${res.statusCode}: ${text.slice(0, 200)}`));
        const { seq } = JSON.parse(text);
        const done = () => { waiters.delete(seq); const e = arrivals.get(seq); resolve({ seq, label, sent_ms: sentAt, ms: e.last - sentAt, reached: e.count }); };
        const e = arrivals.get(seq);
        if (e && e.count >= alive) return done();
        waiters.set(seq, done);
        setTimeout(() => { if (waiters.has(seq)) { waiters.delete(seq); const f = arrivals.get(seq) || { count: 0, last: NaN }; resolve({ seq, label, sent_ms: sentAt, ms: NaN, reached: f.count, timeout: true }); } }, 10000);
        return undefined;
      });
    });
    req.on('timeout', () => req.destroy(new Error('announce timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function quantile(values, q) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  log(`connecting ${args.n} attendees to ${args.url}`);
  const t0 = now();
  const opened = (await Promise.all(Array.from({ length: args.n }, (_, i) => open(i)))).filter(Boolean);
  const connectMs = now() - t0;
  log(`${opened.length} live after ${connectMs.toFixed(0)} ms`);
  await sleep(1500);
  const results = [];
  for (let i = 0; i < args.quiet; i += 1) { results.push(await announce(`quiet ${i}`)); await sleep(300); }

  // The storm: every attendee sends `rate` reacts a second, spread evenly over the second.
  const periodMs = 1000 / args.rate;
  const stormStart = now();
  const stormEnd = stormStart + args.seconds * 1000;
  log('storm start'); // run.py reads the server's CPU time at these two lines
  let lag = 0;
  const timers = opened.map((client, i) => {
    const phase = (periodMs * i) / opened.length;
    let next = stormStart + phase;
    const fire = () => {
      const t = now();
      if (t >= stormEnd || !client.live) return;
      const ack = client.nextAck++;
      client.ws.send(`42${ack}["react",{"kind":"${KINDS[(client.index + ack) % KINDS.length]}"}]`);
      sent += 1;
      lag = Math.max(lag, t - next);
      next += periodMs;
      client.timer = setTimeout(fire, Math.max(0, next - now()));
    };
    client.timer = setTimeout(fire, phase);
    return client;
  });
  await sleep(2000); // into the storm
  const gap = Math.max(300, (args.seconds * 1000 - 4000) / args.during);
  for (let i = 0; i < args.during && now() < stormEnd - 1500; i += 1) { results.push(await announce(`storm ${i}`)); await sleep(Math.max(0, gap - 300)); }
  while (now() < stormEnd) await sleep(100);
  const stormSentMs = now() - stormStart;
  log(`storm end ${sent}`);
  // The server may still be working through a backlog: wait (at most 30 s) until every react
  // is acknowledged, then 3 s for the last seconds' `reactions`.
  const drainStart = now();
  while (sent - acksOk - acksRefused > 0 && now() - drainStart < 30000) await sleep(100);
  const drainMs = now() - drainStart;
  // Then the last seconds' `reactions`: with several processes a second is sent once every
  // process has written it (the ticker's SETTLE_S, 1.5 s, and its once-a-second tick), so wait
  // until none has arrived for 2.5 s (at least 3 s, at most 12 s).
  const settleStart = now();
  await sleep(3000);
  while (now() - lastReactionsAt < 2500 && now() - settleStart < 12000) await sleep(100);
  const collectEnd = now();
  for (const c of timers) clearTimeout(c.timer);

  // Followers: `reactions` per second and sums.
  const inStorm = (at) => at >= stormStart && at <= collectEnd;
  const perClientTotals = [];
  let minGap = Infinity;
  let maxInOneSecond = 0;
  for (const c of opened) {
    const mine = c.reactions.filter(([at]) => inStorm(at));
    let total = 0;
    for (let i = 0; i < mine.length; i += 1) {
      total += Object.values(mine[i][1].counts).reduce((a, b) => a + b, 0);
      if (i > 0) minGap = Math.min(minGap, mine[i][0] - mine[i - 1][0]);
      let j = i; while (j < mine.length && mine[j][0] - mine[i][0] < 950) j += 1; // 50 ms for timer jitter
      maxInOneSecond = Math.max(maxInOneSecond, j - i);
    }
    perClientTotals.push(total);
  }
  // One `reactions` message reaches every follower of a process from one loop, and this one
  // thread reads them in turn: the same message is timed over a spread of arrivals, which
  // shortens some followers' gaps below the server's 1 s.
  // The i-th message of every follower is the same emission (one process); compared over the
  // followers that got as many as follower 0.
  const lists = opened.map((c) => c.reactions.filter(([at]) => inStorm(at)));
  const arrivalsOf = [];
  for (const list of lists) {
    if (list.length !== lists[0].length) continue;
    list.forEach(([at], i) => {
      const seen = arrivalsOf[i];
      if (seen) { seen[0] = Math.min(seen[0], at); seen[1] = Math.max(seen[1], at); } else arrivalsOf[i] = [at, at];
    });
  }
  const spreads = arrivalsOf.map(([first, last]) => last - first);
  const follower = opened[0].reactions.filter(([at]) => inStorm(at)).map(([at, p]) => ({ at_ms: Math.round(at - stormStart), counts: p.counts, window_ms: p.window_ms }));
  const quiet = results.filter((r) => r.label.startsWith('quiet')).map((r) => r.ms);
  const storm = results.filter((r) => r.label.startsWith('storm')).map((r) => r.ms);
  const summary = {
    n: args.n, live: opened.length, alive_at_end: alive, disconnects, connect_errors: connectErrors, connect_all_ms: Math.round(connectMs),
    rate: args.rate, seconds: args.seconds,
    reacts_sent: sent, reacts_target: opened.length * args.rate * args.seconds, send_rate_per_s: Math.round(sent / (stormSentMs / 1000)), max_send_lag_ms: Math.round(lag),
    acks_ok: acksOk, acks_refused: acksRefused, acks_missing: sent - acksOk - acksRefused, ack_drain_ms: Math.round(drainMs),
    cap_bound: opened.length * 3 * (args.seconds + 1),
    follower_totals_min: Math.min(...perClientTotals), follower_totals_max: Math.max(...perClientTotals),
    reactions_messages_follower0: follower.length, min_gap_between_reactions_ms: Math.round(minGap), max_reactions_in_any_1s: maxInOneSecond,
    reactions_arrival_spread_ms_max: Math.round(Math.max(0, ...spreads)), reactions_arrival_spread_ms_median: Math.round(quantile(spreads, 0.5) || 0),
    announce: results, quiet_median_ms: quantile(quiet, 0.5), storm_median_ms: quantile(storm, 0.5), quiet_max_ms: Math.max(...quiet), storm_max_ms: Math.max(...storm),
    follower0: follower,
  };
  summary.storm_announces = storm.length;
  summary.ratio_median = summary.storm_median_ms / summary.quiet_median_ms;
  for (const key of Object.keys(summary)) if (typeof summary[key] === 'number' && !Number.isFinite(summary[key])) summary[key] = null;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const c of opened) c.ws.terminate();
  agent.destroy();
}

main().catch((err) => { log(err.stack || String(err)); process.exit(1); });
