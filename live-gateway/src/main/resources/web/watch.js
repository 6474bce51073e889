// The viewer page: joins a stream over the gateway's WebSocket (liveshop.v1.json),
// shows the pinned product, live stock and countdown of each sale, chat, and places
// orders. Chat text is shown with textContent only: it is data, never markup.

const streamId = decodeURIComponent(location.pathname.split('/').pop());
const $ = (id) => document.getElementById(id);
const sales = new Map(); // saleId -> { sale, stock, element }
let socket;
let products = [];

const OUTCOMES = {
  RESERVE_RESULT_RESERVED: 'Order placed! Pay before your hold expires.',
  RESERVE_RESULT_SOLD_OUT: 'Sold out.',
  RESERVE_RESULT_OVER_LIMIT: 'You already have the most units allowed.',
  RESERVE_RESULT_NOT_STARTED: 'Not started yet: wait for the countdown.',
  RESERVE_RESULT_PAUSED: 'The host paused the sale.',
  RESERVE_RESULT_ENDED: 'The sale has ended.',
  RESERVE_RESULT_BUSY: 'Busy, retrying…',
  RESERVE_RESULT_STORE_UNAVAILABLE: 'Could not save the order, retrying…',
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
  if (!response.ok) throw new Error('no token: ' + response.status);
  return (await response.json()).token;
}

async function connect() {
  let token;
  try {
    token = await viewerToken();
  } catch (e) {
    $('status').textContent = 'no token (' + e.message + ')';
    setTimeout(connect, 2000);
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`, 'liveshop.v1.json');
  socket.onopen = () => {
    $('status').textContent = 'live';
    $('status').classList.add('online');
    send({ join: { streamId } });
  };
  socket.onmessage = (event) => handle(JSON.parse(event.data));
  socket.onclose = () => {
    $('status').textContent = 'reconnecting…';
    $('status').classList.remove('online');
    setTimeout(connect, 2000);
  };
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function handle(frame) {
  if (frame.welcome) welcome(frame.welcome);
  else if (frame.chat) frame.chat.messages.forEach(addChat);
  else if (frame.stock) updateStock(frame.stock);
  else if (frame.pin) showPinned(frame.pin.product);
  else if (frame.saleStarted) addSale(frame.saleStarted.sale);
  else if (frame.orderAck) showAck(frame.orderAck);
  else if (frame.orderUpdate) showOrderUpdate(frame.orderUpdate);
  else if (frame.error) $('outcome').textContent = frame.error.message;
}

function welcome(w) {
  $('title').textContent = w.stream.title;
  products = w.products || [];
  showPinned(w.pinned);
  sales.forEach((s) => s.element.remove());
  sales.clear();
  (w.sales || []).forEach(addSale);
  $('chat-list').replaceChildren();
  (w.recentChat || []).forEach(addChat);
}

function showPinned(product) {
  $('pinned').hidden = !product;
  if (!product) return;
  $('pinned-name').textContent = product.name;
  $('pinned-price').textContent = money(product.priceCents);
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
}

function tickClocks() {
  const now = Date.now();
  sales.forEach(({ sale, element }) => {
    const starts = Number(sale.startsAtMs);
    const ends = Number(sale.endsAtMs);
    element.querySelector('.sale-clock').textContent = now < starts
      ? `starts in ${Math.ceil((starts - now) / 1000)} s`
      : now < ends ? `ends in ${Math.ceil((ends - now) / 60000)} min` : 'ended';
  });
}

function buy(saleId, clientOrderId = crypto.randomUUID()) {
  $('outcome').textContent = 'Placing your order…';
  send({ requestId: clientOrderId, buy: { saleId, quantity: 1, clientOrderId } });
}

const STATUSES = {
  ORDER_STATUS_PAYING: 'Payment started: complete it with your payment provider.',
  ORDER_STATUS_PAID: 'Paid. Thank you!',
  ORDER_STATUS_CANCELLED: 'Order cancelled.',
};
let currentOrderId = null;

function showOrderUpdate(update) {
  if (update.result !== 'ORDER_CHANGE_RESULT_APPLIED') {
    $('outcome').textContent = 'That order no longer holds any units.';
  } else {
    $('outcome').textContent = STATUSES[update.status] || update.status;
  }
  $('order-actions').hidden = true;
}

function showAck(ack) {
  $('outcome').textContent = OUTCOMES[ack.result] || ack.result;
  currentOrderId = ack.result === 'RESERVE_RESULT_RESERVED' ? ack.orderId : currentOrderId;
  $('order-actions').hidden = ack.result !== 'RESERVE_RESULT_RESERVED';
  if (ack.result === 'RESERVE_RESULT_BUSY' || ack.result === 'RESERVE_RESULT_STORE_UNAVAILABLE') {
    setTimeout(() => buy(ack.saleId, ack.clientOrderId), 1000);
  }
}

function addChat(message) {
  const item = document.createElement('li');
  const who = document.createElement('b');
  who.textContent = message.viewerId;
  item.append(who, document.createTextNode(message.text));
  $('chat-list').append(item);
  $('chat-list').scrollTop = $('chat-list').scrollHeight;
}

function money(cents) {
  return (Number(cents || 0) / 100).toFixed(2);
}

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('chat-text').value.trim();
  if (text) send({ chat: { text } });
  $('chat-text').value = '';
});
$('pay').addEventListener('click', () => send({ requestId: 'pay', pay: { orderId: currentOrderId } }));
$('cancel').addEventListener('click', () => send({ requestId: 'cancel', cancel: { orderId: currentOrderId } }));
setInterval(tickClocks, 500);
connect();
