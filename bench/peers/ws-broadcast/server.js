// The fan-out peer of bench/run-peers.sh: a chat-room broadcast server on the npm "ws"
// package, the usual Node choice. It speaks the part of liveshop.v1.json the load
// generator uses, and fans out the way LiveShop does, so the two do the same work: the
// chat of a room is sent once per tick (TICK_MS, LiveShop's default 50 ms) as one batch,
// serialized once and written to every socket; a socket with more than 1 MiB queued
// skips the batch (LiveShop skips unwritable channels).
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.env.PORT || 8090);
const tickMs = Number(process.env.TICK_MS || 50);
const rooms = new Map(); // streamId -> { sockets: Set, pending: [] }
let nextMessageId = 0;

const server = new WebSocketServer({
  host: '127.0.0.1',
  port,
  path: '/ws',
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has('liveshop.v1.json') ? 'liveshop.v1.json' : false),
});

server.on('connection', (socket) => {
  let room = null;
  socket.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      socket.send(JSON.stringify({ error: { code: 'ERROR_CODE_MALFORMED_FRAME', message: 'not JSON' } }));
      return;
    }
    if (frame.join) {
      if (room) room.sockets.delete(socket);
      const streamId = String(frame.join.streamId);
      room = rooms.get(streamId) || { sockets: new Set(), pending: [] };
      rooms.set(streamId, room);
      room.sockets.add(socket);
      socket.send(JSON.stringify({ welcome: { viewerId: 'peer', stream: { streamId } } }));
    } else if (frame.chat && room) {
      room.pending.push({ messageId: String(++nextMessageId), viewerId: 'peer', text: String(frame.chat.text),
        sentAtMs: String(Date.now()) });
    }
  });
  socket.on('close', () => room && room.sockets.delete(socket));
});

setInterval(() => {
  for (const room of rooms.values()) {
    if (room.pending.length === 0) continue;
    const batch = JSON.stringify({ chat: { messages: room.pending } });
    room.pending = [];
    for (const socket of room.sockets) {
      if (socket.readyState === 1 && socket.bufferedAmount < 1 << 20) socket.send(batch);
    }
  }
}, tickMs);

server.on('listening', () => console.log(`ws broadcast peer on ws://127.0.0.1:${port}/ws (tick ${tickMs} ms)`));
