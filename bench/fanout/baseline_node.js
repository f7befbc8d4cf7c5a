#!/usr/bin/env node
/**
 * Reference peer for the fan-out benchmark: a bare Node socket.io 4.8 server that speaks
 * the same slice of PROTOCOL.md as the conference app, so one load generator and one
 * trigger drive all contenders.
 *
 *   - Socket.IO on /socket.io, namespace "/": the client connects with auth {event: SLUG};
 *     an unknown slug is refused with a message, a known one joins the room SLUG and at
 *     once receives `snapshot` (the ~2 KB object from payloads.json).
 *   - POST /api/v1/events/SLUG/commands with {"type": "announce", "text": {...}} broadcasts
 *     one `update` {seq, type: "announcement.shown", at, data: {text, at}} to the room and
 *     answers {"seq": N}, exactly like the app's command endpoint (credentials are ignored).
 *   - GET /healthz answers 200 once the server listens (run.py waits for it).
 *
 * Usage: node baseline_node.js --port P [--host 127.0.0.1] [--backlog 4096]
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { createRequire } = require('module');

// The npm dependencies live in bench/node (one package.json for all Node bench code).
const benchRequire = createRequire(path.join(__dirname, '..', 'node', 'package.json'));
const { Server } = benchRequire('socket.io');

const payloads = JSON.parse(fs.readFileSync(path.join(__dirname, 'payloads.json'), 'utf8'));

function parseArgs(argv) {
  const args = { host: '127.0.0.1', port: 0, backlog: 4096 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args)) throw new Error(`unknown option ${argv[i]}`);
    args[key] = key === 'host' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return args;
}

function readJsonBody(req, limitBytes = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limitBytes) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function main() {
  const args = parseArgs(process.argv);
  const slug = payloads.slug;
  const commandsPath = `/api/v1/events/${slug}/commands`;
  let seq = 0;

  const httpServer = http.createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return answer(res, 200, { ok: true });
    if (req.method !== 'POST' || req.url !== commandsPath) {
      return answer(res, 404, { error: { code: 'not_found', message: 'no such endpoint' } });
    }
    let body;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      return answer(res, 400, { error: { code: 'bad_json', message: String(err.message) } });
    }
    if (body.type !== 'announce' || typeof body.text !== 'object' || body.text === null) {
      return answer(res, 422, { error: { code: 'unsupported_command', message: 'only announce' } });
    }
    seq += 1;
    const at = new Date().toISOString();
    io.to(slug).emit('update', { seq, type: 'announcement.shown', at, data: { text: body.text, at } });
    return answer(res, 200, { seq });
  });

  // Default engine.io settings (ping 25 s, no per-message deflate): the reference as shipped.
  const io = new Server(httpServer, { cors: { origin: false } });
  io.use((socket, next) => {
    const requested = socket.handshake.auth && socket.handshake.auth.event;
    if (requested !== slug) return next(new Error('unknown event'));
    return next();
  });
  io.on('connection', (socket) => {
    socket.join(slug);
    socket.emit('snapshot', { ...payloads.snapshot, seq });
  });

  httpServer.listen(args.port, args.host, args.backlog, () => {
    const { port } = httpServer.address();
    process.stdout.write(`listening on http://${args.host}:${port}\n`);
  });
  const stop = () => io.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
