// The viewer page: joins a stream over the gateway's WebSocket, shows the pinned product,
// live stock and countdown of each sale, chat, likes and the viewer count, and places
// orders. Chat text is shown with textContent only: it is data, never markup.
//
// The viewer's token: in production the site that embeds or links this page issues it and
// passes it in the URL's fragment (/watch/{stream}#token=...), which browsers never send to
// any server; the page takes it out of the address bar at once. Without one, in development
// mode, the page asks the gateway for a development token.

import { openRoom, money } from './socket.js';

const streamId = decodeURIComponent(location.pathname.split('/').pop());
const $ = (id) => document.getElementById(id);
const sales = new Map(); // saleId -> { sale, stock, element }
let products = [];
let currentOrderId = null;
/** Buys without a final answer: clientOrderId -> { saleId, attempts, timer, gaveUp }. */
const pendingBuys = new Map();
const MAX_BUY_ATTEMPTS = 6;
const BUY_ANSWER_TIMEOUT_MS = 10_000;
const RETRIED_RESULTS = ['RESERVE_RESULT_BUSY', 'RESERVE_RESULT_STORE_UNAVAILABLE', 'RESERVE_RESULT_MOVED'];
const givenToken = tokenFromUrl();

const OUTCOMES = {
  RESERVE_RESULT_RESERVED: 'Order placed! Pay before your hold expires.',
  RESERVE_RESULT_SOLD_OUT: 'Sold out.',
  RESERVE_RESULT_OVER_LIMIT: 'You already have the most units allowed.',
  RESERVE_RESULT_NOT_STARTED: 'Not started yet: wait for the countdown.',
  RESERVE_RESULT_PAUSED: 'The host paused the sale.',
  RESERVE_RESULT_ENDED: 'The sale has ended.',
  RESERVE_RESULT_BUSY: 'Busy, retrying…',
  RESERVE_RESULT_STORE_UNAVAILABLE: 'Could not save the order, retrying…',
  RESERVE_RESULT_MOVED: 'The sale is moving to another server, retrying…',
  RESERVE_RESULT_UNKNOWN_SALE: 'The sale is no longer open.',
};
const STATUSES = {
  ORDER_STATUS_PAYING: 'Payment started: complete it with your payment provider.',
  ORDER_STATUS_PAID: 'Paid. Thank you!',
  ORDER_STATUS_CANCELLED: 'Order cancelled.',
};

/** A token passed in the fragment (#token=...), removed from the address bar so it is not shared by copying it. */
function tokenFromUrl() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) history.replaceState(null, '', location.pathname + location.search);
  return token || null;
}

function fatal(message) {
  const error = new Error(message);
  error.fatal = true;
  return error;
}

async function viewerToken() {
  if (givenToken) {
    // Checked first: a browser does not tell the page why a WebSocket handshake failed.
    const me = await fetch('/api/me', { headers: { Authorization: 'Bearer ' + givenToken } });
    if (me.status === 401) {
      throw fatal('your viewing link has expired or is not valid: open this stream again from the shop');
    }
    return givenToken;
  }
  let viewerId = localStorage.getItem('liveshop.viewerId');
  if (!viewerId) {
    viewerId = 'viewer-' + crypto.randomUUID().slice(0, 8);
    localStorage.setItem('liveshop.viewerId', viewerId);
  }
  const response = await fetch('/api/dev/token', {
    method: 'POST', body: JSON.stringify({ viewerId, role: 'viewer' }),
  });
  if (response.status === 404) {
    // Production mode: tokens come from the site that sent the viewer here.
    throw fatal('this page needs a viewer token: open this stream from the shop\'s link (it ends in #token=…)');
  }
  if (!response.ok) throw new Error('HTTP ' + response.status);
  return (await response.json()).token;
}

const room = openRoom({
  streamId,
  token: viewerToken,
  onFrame: handle,
  onJoined: resendPendingBuys,
  onStatus(status, reason) {
    $('status').textContent = status === 'live' ? 'live' : status + (reason ? ` (${reason})` : '');
    $('status').classList.toggle('online', status === 'live');
    if (status === 'offline') {
      $('title').textContent = 'Cannot watch this stream';
      $('outcome').textContent = 'Cannot connect: ' + reason + '.';
    }
  },
});

function handle(frame) {
  if (frame.welcome) welcome(frame.welcome);
  else if (frame.chat) frame.chat.messages.forEach(addChat);
  else if (frame.chatDeleted) removeChat(frame.chatDeleted.messageId);
  else if (frame.chatSettings) showChatSettings(frame.chatSettings);
  else if (frame.counters) showCounters(frame.counters);
  else if (frame.stock) updateStock(frame.stock);
  else if (frame.pin) showPinned(frame.pin.product);
  else if (frame.lineup) { products = frame.lineup.products || []; sales.forEach((_, id) => render(id)); }
  else if (frame.saleStarted) addSale(frame.saleStarted.sale);
  else if (frame.orderAck) showAck(frame.orderAck);
  else if (frame.orderUpdate) showOrderUpdate(frame.orderUpdate);
  else if (frame.error) showError(frame.error);
}

function welcome(w) {
  $('title').textContent = w.stream.title;
  showVideo(w.stream.hlsUrl);
  products = w.products || [];
  showPinned(w.pinned);
  sales.forEach((s) => s.element.remove());
  sales.clear();
  (w.sales || []).forEach(addSale);
  $('chat-list').replaceChildren();
  (w.recentChat || []).forEach(addChat);
  showChatSettings(w.chatSettings || {});
  showCounters(w.counters || {});
}

function showVideo(hlsUrl) {
  if (!hlsUrl || $('video').querySelector('video')) return;
  const video = document.createElement('video');
  video.src = hlsUrl;
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  $('video').replaceChildren(video);
}

function showPinned(product) {
  $('pinned').hidden = !product;
  if (!product) return;
  $('pinned-name').textContent = product.name;
  $('pinned-price').textContent = money(product.priceCents);
  $('pinned-image').hidden = !product.imageUrl;
  if (product.imageUrl) $('pinned-image').src = product.imageUrl;
}

function addSale(status) {
  if (sales.has(status.sale.saleId)) return;
  const element = $('sale-template').content.firstElementChild.cloneNode(true);
  element.dataset.saleId = status.sale.saleId;
  element.querySelector('.buy').addEventListener('click', () => buy(status.sale.saleId));
  $('sales').append(element);
  sales.set(status.sale.saleId, { sale: status.sale, stock: status.stock, element });
  render(status.sale.saleId);
}

function updateStock(stock) {
  const entry = sales.get(stock.saleId);
  if (!entry || Number(stock.sequence) <= Number(entry.stock.sequence || 0)) return;
  entry.stock = stock;
  render(stock.saleId);
}

function render(saleId) {
  const { sale, stock, element } = sales.get(saleId);
  const product = products.find((p) => p.productId === sale.productId);
  const left = stock.available || 0;
  element.querySelector('.sale-stock').textContent =
    `${product ? product.name : 'Flash sale'} · ${money(sale.priceCents)} · ${left}/${stock.quantity || sale.quantity} left`;
  const ended = stock.state === 'SALE_STATE_ENDED' || room.serverNow() >= Number(sale.endsAtMs);
  element.querySelector('.buy').disabled = ended || left === 0;
  element.querySelector('.buy').textContent = ended ? 'Ended' : left === 0 ? 'Sold out' : 'Buy now';
}

function tickClocks() {
  const now = room.serverNow();
  sales.forEach(({ sale, stock, element }, saleId) => {
    const starts = Number(sale.startsAtMs);
    const ends = Number(sale.endsAtMs);
    element.querySelector('.sale-clock').textContent = stock.state === 'SALE_STATE_ENDED' || now >= ends ? 'ended'
      : now < starts ? `starts in ${Math.ceil((starts - now) / 1000)} s`
        : `ends in ${Math.ceil((ends - now) / 1000)} s`;
    if (now >= ends) render(saleId);
  });
}

// ---- buying ---------------------------------------------------------------------------
// A buy is sent with its clientOrderId as requestId and stays pending until a final answer.
// Until then it is sent again with the same clientOrderId (the gateway and live-core never
// make a second order of one): after an UNAVAILABLE error or a "try again" ack (with
// backoff, at most MAX_BUY_ATTEMPTS times), when no answer came in time, and after every
// welcome or resume (a buy sent just before the connection dropped may never have arrived).

function buy(saleId) {
  // A tap on a sale whose last buy is still undecided retries that one: never two orders.
  let clientOrderId = [...pendingBuys].find(([, p]) => p.saleId === saleId)?.[0];
  if (!clientOrderId) {
    clientOrderId = crypto.randomUUID();
    pendingBuys.set(clientOrderId, { saleId, attempts: 0, timer: null, gaveUp: false });
  }
  const pending = pendingBuys.get(clientOrderId);
  pending.attempts = 0;
  pending.gaveUp = false;
  $('outcome').textContent = 'Placing your order…';
  sendBuy(clientOrderId);
}

function sendBuy(clientOrderId) {
  const pending = pendingBuys.get(clientOrderId);
  if (!pending || pending.gaveUp) return;
  clearTimeout(pending.timer);
  if (!room.isJoined() || !room.send({ requestId: clientOrderId,
    buy: { saleId: pending.saleId, quantity: 1, clientOrderId } })) {
    $('outcome').textContent = 'Offline: your order goes out when the connection is back…';
    return; // resendPendingBuys sends it after the next welcome or resume
  }
  pending.attempts++;
  pending.timer = setTimeout(() => retryBuy(clientOrderId, 'No answer yet:'), BUY_ANSWER_TIMEOUT_MS);
}

function retryBuy(clientOrderId, why) {
  const pending = pendingBuys.get(clientOrderId);
  if (!pending || pending.gaveUp) return;
  clearTimeout(pending.timer);
  if (pending.attempts >= MAX_BUY_ATTEMPTS) {
    pending.gaveUp = true;
    $('outcome').textContent = `${why} the order could not be confirmed. Tap Buy now to try again (never a second order).`;
    return;
  }
  $('outcome').textContent = `${why} retrying…`;
  // Jittered, so that buyers refused together (a busy order service) do not all come back at once.
  const backoffMs = Math.min(1000 * 2 ** (pending.attempts - 1), 8000);
  pending.timer = setTimeout(() => sendBuy(clientOrderId), backoffMs / 2 + Math.random() * backoffMs / 2);
}

function resendPendingBuys() {
  pendingBuys.forEach((pending, clientOrderId) => {
    if (!pending.gaveUp) sendBuy(clientOrderId);
  });
}

function showError(error) {
  const pending = pendingBuys.get(error.requestId || '');
  if (pending && ['ERROR_CODE_UNAVAILABLE', 'ERROR_CODE_RATE_LIMITED', 'ERROR_CODE_NOT_JOINED'].includes(error.code)) {
    retryBuy(error.requestId, error.code === 'ERROR_CODE_UNAVAILABLE' ? 'The order service did not answer:'
      : error.code === 'ERROR_CODE_RATE_LIMITED' ? 'Too many taps:' : 'Reconnecting:');
    return;
  }
  if (pending) {
    clearTimeout(pending.timer);
    pendingBuys.delete(error.requestId);
  }
  $('outcome').textContent = error.message;
}

function showAck(ack) {
  const pending = pendingBuys.get(ack.clientOrderId);
  if (RETRIED_RESULTS.includes(ack.result) && pending) {
    retryBuy(ack.clientOrderId, OUTCOMES[ack.result].replace(', retrying…', ':'));
    return;
  }
  if (pending) {
    clearTimeout(pending.timer);
    pendingBuys.delete(ack.clientOrderId);
  }
  $('outcome').textContent = OUTCOMES[ack.result] || ack.result;
  currentOrderId = ack.result === 'RESERVE_RESULT_RESERVED' ? ack.orderId : currentOrderId;
  $('order-actions').hidden = ack.result !== 'RESERVE_RESULT_RESERVED';
}

function showOrderUpdate(update) {
  $('outcome').textContent = update.result !== 'ORDER_CHANGE_RESULT_APPLIED'
    ? 'That order no longer holds any units.' : STATUSES[update.status] || update.status;
  $('order-actions').hidden = true;
}

function addChat(message) {
  const item = document.createElement('li');
  item.dataset.messageId = message.messageId;
  const who = document.createElement('b');
  who.textContent = message.viewerId;
  item.append(who, document.createTextNode(message.text));
  $('chat-list').append(item);
  while ($('chat-list').children.length > 200) $('chat-list').firstElementChild.remove();
  $('chat-list').scrollTop = $('chat-list').scrollHeight;
}

function removeChat(messageId) {
  document.querySelector(`#chat-list [data-message-id="${CSS.escape(messageId)}"]`)?.remove();
}

function showChatSettings(settings) {
  const off = Boolean(settings.chatOff);
  const slow = settings.slowModeSeconds || 0;
  $('chat-note').hidden = !off && !slow;
  $('chat-note').textContent = off ? 'The host turned chat off.' : `Slow mode: one message per ${slow} s.`;
  $('chat-text').disabled = off;
}

function showCounters(counters) {
  $('viewers').textContent = `${counters.viewers || 0} watching`;
  $('likes').textContent = counters.likes || 0;
}

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('chat-text').value.trim();
  if (text) room.send({ chat: { text } });
  $('chat-text').value = '';
});
$('like').addEventListener('click', () => room.send({ like: {} }));
$('pay').addEventListener('click', () => room.send({ requestId: 'pay', pay: { orderId: currentOrderId } }));
$('cancel').addEventListener('click', () => room.send({ requestId: 'cancel', cancel: { orderId: currentOrderId } }));
setInterval(tickClocks, 500);
