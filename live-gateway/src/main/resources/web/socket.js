// One room session over the gateway's WebSocket (subprotocol liveshop.v1.json), shared by
// the viewer page and the host console: joins the stream, hands every frame to onFrame,
// and reconnects by itself (with a fresh token) when the connection drops. A reconnect
// resumes: it names the room's epoch and the last numbered frame seen, and the gateway
// sends only what was missed (or a fresh welcome when that is too much).
//
// Status (onStatus(status, reason)): 'connecting' (the first time), 'joining' (a join was
// refused for a moment and is sent again), 'live' (in the room: a welcome or a resume
// arrived), 'reconnecting' (with the reason the last connection ended), 'refused' (the join
// was refused for good, e.g. no such stream) and 'offline' (given up: no token can be had).
// A join the gateway refuses for a moment (ERROR_CODE_UNAVAILABLE, ERROR_CODE_RATE_LIMITED)
// is sent again after a short backoff.
//
// serverNow() is the gateway's clock as best known here: every connection pings once it is
// open (and every 30 s), and the offset comes from the pong with the shortest round trip,
// taking the server's time to be that of the round trip's midpoint.

const RETRYABLE_JOIN_ERRORS = ['ERROR_CODE_UNAVAILABLE', 'ERROR_CODE_RATE_LIMITED'];
const JOIN_REQUEST_ID = 'join';
const PING_INTERVAL_MS = 30_000;

export function openRoom({ streamId, token, onFrame, onStatus, onJoined = () => {} }) {
  let socket;
  let stopped = false;
  let retryMs = 500;
  let joinRetryMs = 1000;
  let joinTimer = null;
  let pingTimer = null;
  let joined = false;
  let firstAttempt = true;
  let reason = '';
  let epoch = '';
  let lastSeq = 0;
  let offsetMs = 0;
  let bestRoundTripMs = Infinity;

  async function connect() {
    if (stopped) return;
    let current;
    try {
      current = await token();
    } catch (e) {
      if (e.fatal) {
        stopped = true;
        onStatus('offline', e.message);
        return;
      }
      reason = 'no token: ' + e.message;
      retry();
      return;
    }
    if (firstAttempt) onStatus('connecting');
    firstAttempt = false;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const opened = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(current)}`,
      'liveshop.v1.json');
    socket = opened;
    opened.onopen = () => {
      retryMs = 500;
      joinRetryMs = 1000;
      bestRoundTripMs = Infinity; // maybe another gateway: measure afresh
      ping();
      pingTimer = setInterval(ping, PING_INTERVAL_MS);
      join();
    };
    opened.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.pong) {
        clock(frame.pong);
        return;
      }
      if (!joined && frame.error && RETRYABLE_JOIN_ERRORS.includes(frame.error.code)
        && (frame.error.requestId || '') === JOIN_REQUEST_ID) {
        reason = frame.error.message;
        onStatus('joining', reason);
        joinTimer = setTimeout(join, jittered(joinRetryMs));
        joinRetryMs = Math.min(joinRetryMs * 2, 10_000);
        return;
      }
      if (!joined && frame.error && (frame.error.requestId || '') === JOIN_REQUEST_ID) {
        onStatus('refused', frame.error.message);
      }
      if (frame.welcome) {
        epoch = frame.welcome.roomEpoch || '';
        lastSeq = Number(frame.welcome.roomSeq || 0);
      } else if (frame.roomSeq) {
        lastSeq = Number(frame.roomSeq);
      }
      if (frame.welcome || frame.resumed) {
        joined = true;
        reason = '';
        onStatus('live');
      }
      if (!frame.resumed) onFrame(frame);
      if (frame.welcome || frame.resumed) onJoined(frame.welcome ? 'welcome' : 'resumed');
    };
    opened.onclose = (event) => {
      if (socket !== opened) return;
      clearTimeout(joinTimer);
      clearInterval(pingTimer);
      joined = false;
      // A connection that fails before opening has no reason of its own: the last one stays.
      if (event.reason) reason = event.reason;
      else if (!reason) reason = 'connection lost';
      retry();
    };
  }

  function join() {
    send({ requestId: JOIN_REQUEST_ID,
      join: epoch ? { streamId, resumeEpoch: epoch, resumeAfterSeq: String(lastSeq) } : { streamId } });
  }

  function ping() {
    send({ ping: { clientTimeMs: String(Date.now()) } });
  }

  function clock(pong) {
    const receivedMs = Date.now();
    const sentMs = Number(pong.clientTimeMs);
    const roundTripMs = receivedMs - sentMs;
    if (!(roundTripMs >= 0) || roundTripMs > bestRoundTripMs) return;
    bestRoundTripMs = roundTripMs;
    offsetMs = Number(pong.serverTimeMs) - (sentMs + receivedMs) / 2;
  }

  // Half the delay, plus up to as much again at random: when a gateway restarts, its
  // thousands of viewers come back spread over the interval, not all in the same instant.
  function jittered(ms) {
    return ms / 2 + Math.random() * ms / 2;
  }

  function retry() {
    if (stopped) return;
    onStatus('reconnecting', reason);
    setTimeout(connect, jittered(retryMs));
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
    /** True between a welcome (or resume) and the connection's end. */
    isJoined: () => joined,
    /** The gateway's clock in epoch milliseconds, as far as the pings could tell. */
    serverNow: () => Date.now() + offsetMs,
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
