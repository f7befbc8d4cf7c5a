/**
 * The two attendee implementations the load generator can use. Both connect WebSocket-only
 * to /socket.io/ with auth {event: SLUG}, offer permessage-deflate as browsers do, and
 * report to the same handlers:
 *   onConnect(), onSnapshot(snapshot), onUpdate(update, wireBytes),
 *   onConnectError(message), onDisconnect()
 *
 * - "socket.io-client": the official socket.io-client 4.8, what a browser runs.
 * - "raw": the same Engine.IO 4 / Socket.IO 5 exchange written directly on `ws`
 *   (open packet -> CONNECT with auth -> events; answer pings), which costs the generator
 *   a fraction of the CPU per received message. On a small machine that shares its cores
 *   with the server, this keeps the generator from being what is measured (see README).
 * Both parse every frame's JSON, as an attendee's page would.
 */
'use strict';

const path = require('path');
const { createRequire } = require('module');

const benchRequire = createRequire(path.join(__dirname, '..', 'node', 'package.json'));

function openSocketIoClient(url, slug, timeoutMs, handlers) {
  const { io } = benchRequire('socket.io-client');
  const socket = io(url, {
    transports: ['websocket'],
    auth: { event: slug },
    forceNew: true,
    reconnection: false, // a dropped attendee must show up as a failure, not be hidden
    timeout: timeoutMs,
  });
  let wireBytes = 0;
  socket.on('connect', () => {
    // engine.io hands over each frame (minus its 1-byte packet type) before socket.io decodes it.
    socket.io.engine.on('data', (data) => {
      if (typeof data === 'string') wireBytes = Buffer.byteLength(data, 'utf8') + 1;
    });
    handlers.onConnect();
  });
  socket.on('snapshot', (snapshot) => handlers.onSnapshot(snapshot));
  socket.on('update', (update) => handlers.onUpdate(update, wireBytes));
  socket.on('connect_error', (err) => handlers.onConnectError(String((err && err.message) || err)));
  socket.on('disconnect', () => handlers.onDisconnect());
  return { close: () => socket.disconnect() };
}

function openRawClient(url, slug, timeoutMs, handlers) {
  const WebSocket = benchRequire('ws');
  const target = new URL('/socket.io/?EIO=4&transport=websocket', url);
  target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(target, { perMessageDeflate: true, handshakeTimeout: timeoutMs });
  let connected = false;
  let failed = false;
  const fail = (message) => {
    if (connected || failed) return;
    failed = true;
    handlers.onConnectError(message);
    ws.terminate();
  };
  const timer = setTimeout(() => fail('timeout'), timeoutMs);
  ws.on('message', (data) => {
    const text = data.toString('utf8');
    const engineType = text[0];
    if (engineType === '2') return ws.send('3'); // Engine.IO ping -> pong
    if (engineType === '0') return ws.send(`40${JSON.stringify({ event: slug })}`); // open -> CONNECT
    if (engineType === '1') return ws.close();
    if (engineType !== '4') return undefined;
    const socketType = text[1];
    if (socketType === '0') {
      connected = true;
      clearTimeout(timer);
      return handlers.onConnect();
    }
    if (socketType === '4') return fail((JSON.parse(text.slice(2)) || {}).message || 'refused');
    if (socketType === '2' && text[2] === '[') {
      const [name, payload] = JSON.parse(text.slice(2));
      if (name === 'snapshot') handlers.onSnapshot(payload);
      else if (name === 'update') handlers.onUpdate(payload, Buffer.byteLength(text, 'utf8'));
    }
    return undefined;
  });
  ws.on('error', (err) => fail(String(err.message || err)));
  ws.on('close', () => {
    clearTimeout(timer);
    if (connected) handlers.onDisconnect();
    else fail('closed before connect');
  });
  return { close: () => ws.close() };
}

const CLIENTS = { 'socket.io-client': openSocketIoClient, raw: openRawClient };

module.exports = { CLIENTS };
