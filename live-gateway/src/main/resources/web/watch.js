// The viewer page: joins a stream over the gateway's WebSocket, shows the pinned product,
// live stock and countdown of each sale, chat, likes and the viewer count, and places
// orders. Chat text is shown with textContent only: it is data, never markup.

import { openRoom, money } from './socket.js';

const streamId = decodeURIComponent(location.pathname.split('/').pop());
const $ = (id) => document.getElementById(id);
const sales = new Map(); // saleId -> { sale, stock, element }
let products = [];
let currentOrderId = null;

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
};
const STATUSES = {
  ORDER_STATUS_PAYING: 'Payment started: complete it with your payment provider.',
  ORDER_STATUS_PAID: 'Paid. Thank you!',
  ORDER_STATUS_CANCELLED: 'Order cancelled.',
};

async function viewerToken() {
  let viewerId = localStorage.getItem('liveshop.viewerId');
  if (!viewerId) {
    viewerId = 'viewer-' + crypto.randomUUID().slice(0, 8);
    localStorage.setItem('liveshop.viewerId', viewerId);
  }
  const response = await fetch('/api/dev/token', {
    method: 'POST', body: JSON.stringify({ viewerId, role: 'viewer' }),
  });
  if (!response.ok) throw new Error('HTTP ' + response.status);
  return (await response.json()).token;
}

const room = openRoom({
  streamId,
  token: viewerToken,
  onFrame: handle,
  onStatus(status, reason) {
    $('status').textContent = status === 'live' ? 'live' : status + (reason ? ` (${reason})` : '');
    $('status').classList.toggle('online', status === 'live');
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
  else if (frame.error) $('outcome').textContent = frame.error.message;
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
  const ended = stock.state === 'SALE_STATE_ENDED' || Date.now() >= Number(sale.endsAtMs);
  element.querySelector('.buy').disabled = ended || left === 0;
  element.querySelector('.buy').textContent = ended ? 'Ended' : left === 0 ? 'Sold out' : 'Buy now';
}

function tickClocks() {
  const now = Date.now();
  sales.forEach(({ sale, stock, element }, saleId) => {
    const starts = Number(sale.startsAtMs);
    const ends = Number(sale.endsAtMs);
    element.querySelector('.sale-clock').textContent = stock.state === 'SALE_STATE_ENDED' || now >= ends ? 'ended'
      : now < starts ? `starts in ${Math.ceil((starts - now) / 1000)} s`
        : `ends in ${Math.ceil((ends - now) / 1000)} s`;
    if (now >= ends) render(saleId);
  });
}

function buy(saleId, clientOrderId = crypto.randomUUID()) {
  $('outcome').textContent = 'Placing your order…';
  if (!room.send({ requestId: clientOrderId, buy: { saleId, quantity: 1, clientOrderId } })) {
    $('outcome').textContent = 'Offline: retrying when the connection is back…';
    setTimeout(() => buy(saleId, clientOrderId), 1000);
  }
}

function showAck(ack) {
  $('outcome').textContent = OUTCOMES[ack.result] || ack.result;
  currentOrderId = ack.result === 'RESERVE_RESULT_RESERVED' ? ack.orderId : currentOrderId;
  $('order-actions').hidden = ack.result !== 'RESERVE_RESULT_RESERVED';
  if (['RESERVE_RESULT_BUSY', 'RESERVE_RESULT_STORE_UNAVAILABLE', 'RESERVE_RESULT_MOVED'].includes(ack.result)) {
    // The same clientOrderId: a retry can never make a second order.
    setTimeout(() => buy(ack.saleId, ack.clientOrderId), 1000);
  }
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
