// One room session over the gateway's WebSocket (subprotocol liveshop.v1.json), shared by
// the viewer page and the host console: joins the stream, hands every frame to onFrame,
// and reconnects by itself (with a fresh token) when the connection drops. A reconnect
// resumes: it names the room's epoch and the last numbered frame seen, and the gateway
// sends only what was missed (or a fresh welcome when that is too much).

export function openRoom({ streamId, token, onFrame, onStatus }) {
  let socket;
  let stopped = false;
  let retryMs = 500;
  let epoch = '';
  let lastSeq = 0;

  async function connect() {
    let current;
    try {
      current = await token();
    } catch (e) {
      onStatus('offline', 'no token: ' + e.message);
      retry();
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(current)}`,
      'liveshop.v1.json');
    socket.onopen = () => {
      retryMs = 500;
      onStatus('live');
      send({ join: epoch ? { streamId, resumeEpoch: epoch, resumeAfterSeq: String(lastSeq) } : { streamId } });
    };
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.welcome) {
        epoch = frame.welcome.roomEpoch || '';
        lastSeq = Number(frame.welcome.roomSeq || 0);
      } else if (frame.roomSeq) {
        lastSeq = Number(frame.roomSeq);
      }
      if (!frame.resumed) onFrame(frame);
    };
    socket.onclose = (event) => {
      onStatus('offline', event.reason || 'connection lost');
      retry();
    };
  }

  function retry() {
    if (stopped) return;
    onStatus('reconnecting');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  connect();
  return {
    send,
    close() {
      stopped = true;
      if (socket) socket.close();
    },
  };
}

/** Cents (a number or the proto3 JSON string of an int64) as money. */
export function money(cents) {
  return (Number(cents || 0) / 100).toFixed(2);
}
