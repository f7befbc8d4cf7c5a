/**
 * One worker thread of the load generator: it holds its share of the attendees.
 *
 * Every attendee is one WebSocket-only Socket.IO connection with auth {event: SLUG}, made
 * by socket.io-client 4.8 or by the lean "raw" client (clients.js). The worker:
 *   1. on {cmd: "connect"} opens all its connections in one synchronous loop (the
 *      reconnect storm after a restart) and reports, per attendee, the time to the
 *      Socket.IO `connect` and to the `snapshot`;
 *   2. stamps every `update` on arrival with the process-wide monotonic clock
 *      (process.hrtime, the same clock the main thread reads before each trigger) and
 *      tells the main thread when all its live attendees have one `seq`;
 *   3. on {cmd: "collect"} hands over the arrival times, on {cmd: "close"} disconnects.
 * Times are milliseconds since `originNs`, a process.hrtime.bigint() value from the main
 * thread, so the main thread can subtract its own send times.
 */
'use strict';

const threads = require('worker_threads');

// A worker thread, or a child process forked by loadgen.js (--worker-kind process): the same
// messages either way.
const forked = !threads.parentPort;
const parentPort = forked ? { postMessage: (message) => process.send(message), on: (event, fn) => process.on(event, fn) } : threads.parentPort;
const workerData = forked ? JSON.parse(process.env.LOADGEN_WORKER_DATA) : threads.workerData;
// A forked worker must not outlive the generator with its sockets open.
if (forked) process.on('disconnect', () => process.exit(0));

const { CLIENTS } = require('./clients');

const { urls, count, globalOffset, slug, connectTimeoutMs, client } = workerData;
const openClient = CLIENTS[client];
const sockets = [];
const connectMs = new Float64Array(count).fill(NaN);
const snapshotMs = new Float64Array(count).fill(NaN);
const arrivalsBySeq = new Map(); // seq -> Float64Array(count) of arrival ms, NaN = not yet
const receivedBySeq = new Map(); // seq -> how many of our attendees have it
const connectErrors = new Map(); // message -> count
let originNs = 0n;
let settled = 0; // attendees that got their snapshot or failed
let alive = 0; // attendees with a snapshot and no disconnect since
let disconnects = 0;
let updateWireBytes = null; // size of one update frame as it came over the WebSocket
let connectPhaseDone = false;

function sinceOrigin() {
  return Number(process.hrtime.bigint() - originNs) / 1e6;
}

function reportConnectPhase() {
  if (connectPhaseDone) return;
  connectPhaseDone = true;
  parentPort.postMessage({
    type: 'connected',
    connectMs,
    snapshotMs,
    connectErrors: Object.fromEntries(connectErrors),
  });
}

function settleOne() {
  settled += 1;
  if (settled === count) reportConnectPhase();
}

function recordUpdate(index, update) {
  const at = sinceOrigin();
  const seq = update && update.seq;
  if (!Number.isInteger(seq)) return;
  let arrivals = arrivalsBySeq.get(seq);
  if (!arrivals) {
    arrivals = new Float64Array(count).fill(NaN);
    arrivalsBySeq.set(seq, arrivals);
    receivedBySeq.set(seq, 0);
  }
  if (!Number.isNaN(arrivals[index])) return; // a duplicate would be a server bug; keep the first
  arrivals[index] = at;
  const received = receivedBySeq.get(seq) + 1;
  receivedBySeq.set(seq, received);
  if (received === alive) parentPort.postMessage({ type: 'complete', seq });
}

function openAttendee(index) {
  const url = urls[(globalOffset + index) % urls.length];
  let failed = false;
  const fail = () => {
    if (failed || !Number.isNaN(snapshotMs[index])) return;
    failed = true;
    settleOne();
  };
  sockets.push(openClient(url, slug, connectTimeoutMs, {
    onConnect: () => { connectMs[index] = sinceOrigin(); },
    onSnapshot: () => {
      if (!Number.isNaN(snapshotMs[index]) || failed) return;
      snapshotMs[index] = sinceOrigin();
      alive += 1;
      settleOne();
    },
    onUpdate: (update, wireBytes) => {
      recordUpdate(index, update);
      if (updateWireBytes === null && wireBytes) updateWireBytes = wireBytes;
    },
    onConnectError: (message) => {
      connectErrors.set(message, (connectErrors.get(message) || 0) + 1);
      fail();
    },
    onDisconnect: () => {
      if (!Number.isNaN(snapshotMs[index])) {
        alive -= 1;
        disconnects += 1;
      } else {
        fail();
      }
    },
  }));
}

parentPort.on('message', (message) => {
  if (message.cmd === 'connect') {
    originNs = BigInt(message.originNs);
    for (let i = 0; i < count; i += 1) openAttendee(i);
    parentPort.postMessage({ type: 'opened', openLoopMs: sinceOrigin() });
    // A storm that never settles still has to end: report what arrived so far.
    setTimeout(reportConnectPhase, connectTimeoutMs + 1000).unref();
  } else if (message.cmd === 'collect') {
    parentPort.postMessage({
      type: 'arrivals',
      arrivals: Object.fromEntries(arrivalsBySeq),
      alive,
      disconnects,
      updateWireBytes,
    });
  } else if (message.cmd === 'close') {
    for (const socket of sockets) socket.close();
    parentPort.postMessage({ type: 'closed' });
    setTimeout(() => process.exit(0), 200).unref();
  }
});
