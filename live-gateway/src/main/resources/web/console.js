// The host console: sign in with a host token, run the lineup, pins and flash sales of a
// stream, watch its live numbers and moderate its chat. Talks only to the public HTTP API
// (/api/...) and the room WebSocket. Every error the API returns is shown in words.
// Chat text is rendered with textContent only: it is data, never markup.

import { openRoom, money } from './socket.js';

const $ = (id) => document.getElementById(id);
const state = {
  streamId: null,
  token: null,
  products: [],
  pinnedId: '',
  sales: new Map(), // saleId -> { sale, stock }
  room: null,
  epoch: '',
  chatTotal: 0, // chat messages since the room (instance) opened, from its counters
  chatSamples: [], // [timeMs, chatMessages total], the last minute
  chatSettings: {},
  unitSamples: [], // units ordered per 5 s bucket, newest last
  lastUnits: null,
  orders: [],
  launchKey: null, // { key, since } of the sale the form describes, until it is launched
};

// ---- API and messages ------------------------------------------------------------

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: 'Bearer ' + state.token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(answer.message || `${method} ${path} failed with HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return answer;
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
  $('notice').hidden = true;
}

function showNotice(message) {
  $('notice').textContent = message;
  $('notice').hidden = false;
  $('error').hidden = true;
}

/** Runs a host action; its failure is shown, never swallowed. */
async function act(action, success) {
  try {
    const result = await action();
    if (success) showNotice(success);
    return result;
  } catch (e) {
    showError(e.message);
    return null;
  }
}

// ---- sign in -----------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const streamId = $('signin-stream').value.trim();
  const token = $('signin-token').value.trim();
  if (!streamId) return showError('Enter the id of the stream you host.');
  if (!token) return showError('Paste a host token for stream ' + streamId + '.');
  state.token = token;
  const me = await act(() => api('GET', '/api/me'));
  if (!me) return;
  if (me.role !== 'host') {
    return showError(`This is a viewer token (${me.viewerId}): the console needs a host token for stream ${streamId}.`);
  }
  if (!me.streams.includes(streamId)) {
    return showError(`This host token does not name stream ${streamId}; it names: ${me.streams.join(', ') || 'none'}.`);
  }
  let snapshot;
  try {
    snapshot = await api('GET', '/api/streams/' + encodeURIComponent(streamId));
  } catch (e) {
    if (e.status !== 404) return showError(e.message);
    const title = $('signin-title').value.trim();
    if (!title) return showError(`There is no stream ${streamId} yet: give it a title to create it.`);
    if (!await act(() => api('POST', '/api/streams', { streamId, title }))) return;
    snapshot = await act(() => api('GET', '/api/streams/' + encodeURIComponent(streamId)));
    if (!snapshot) return;
  }
  state.streamId = streamId;
  $('who').textContent = me.viewerId;
  $('signin').hidden = true;
  $('console').hidden = false;
  $('error').hidden = true;
  applySnapshot(snapshot);
  state.room = openRoom({ streamId, token: async () => state.token, onFrame, onStatus });
  setInterval(refreshOrders, 2000);
  setInterval(sampleUnits, 5000);
  refreshOrders();
}

async function devToken() {
  const streamId = $('signin-stream').value.trim() || 'demo';
  $('signin-stream').value = streamId;
  try {
    const response = await fetch('/api/dev/token', {
      method: 'POST', body: JSON.stringify({ viewerId: streamId + '-host', role: 'host', streams: [streamId] }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.message || 'development tokens are off on this gateway');
    $('signin-token').value = answer.token;
  } catch (e) {
    showError('No development token: ' + e.message + '. Ask your operator for a host token.');
    return;
  }
  $('signin-form').requestSubmit();
}

/** The gateway's clock (the countdowns are the server's), the page's until the first pong. */
function now() {
  return state.room ? state.room.serverNow() : Date.now();
}

function onStatus(status, reason) {
  $('status').textContent = status === 'live' ? 'live' : status + (reason ? ` (${reason})` : '');
  $('status').classList.toggle('online', status === 'live');
}

// ---- room frames ---------------------------------------------------------------------

function onFrame(frame) {
  if (frame.welcome) {
    const w = frame.welcome;
    state.products = w.products || [];
    state.pinnedId = w.stream.pinnedProductId || '';
    welcomeSales(w.sales || []);
    $('chat').replaceChildren();
    (w.recentChat || []).forEach(addChat);
    applyChatSettings(w.chatSettings || {});
    if (w.roomEpoch !== state.epoch) {
      // Another instance of the room (a reconnect to another gateway, a restart): its
      // counters start from 0, so the chat rate starts again too.
      state.epoch = w.roomEpoch;
      state.chatSamples = [];
    }
    applyCounters(w.counters || {});
    renderLineup();
    renderSales();
  } else if (frame.chat) {
    frame.chat.messages.forEach(addChat);
  } else if (frame.chatDeleted) {
    document.querySelector(`#chat [data-message-id="${CSS.escape(frame.chatDeleted.messageId)}"]`)?.remove();
  } else if (frame.chatSettings) {
    applyChatSettings(frame.chatSettings);
  } else if (frame.counters) {
    applyCounters(frame.counters);
  } else if (frame.stock) {
    const entry = state.sales.get(frame.stock.saleId);
    if (entry && Number(frame.stock.sequence) > Number(entry.stock.sequence || 0)) {
      entry.stock = frame.stock;
      renderSales();
    }
  } else if (frame.saleStarted) {
    state.sales.set(frame.saleStarted.sale.sale.saleId, frame.saleStarted.sale);
    renderSales();
  } else if (frame.pin) {
    state.pinnedId = frame.pin.product ? frame.pin.product.productId : '';
    renderLineup();
  } else if (frame.lineup) {
    state.products = frame.lineup.products || [];
    renderLineup();
  } else if (frame.error) {
    showError(frame.error.message);
  }
}

/**
 * A welcome lists the sales that have not ended. One this console shows as running but the
 * welcome leaves out ended (or was stopped) while the console was away: it is shown ended
 * at once, and its final numbers are read from the stream's snapshot.
 */
function welcomeSales(sales) {
  const open = new Set(sales.map((s) => s.sale.saleId));
  let gone = false;
  state.sales.forEach((entry, saleId) => {
    if (!open.has(saleId) && !ended(entry)) {
      entry.gone = true;
      gone = true;
    }
  });
  sales.forEach((s) => state.sales.set(s.sale.saleId, s));
  if (gone) refreshEndedSales();
}

async function refreshEndedSales() {
  let snapshot;
  try {
    snapshot = await api('GET', '/api/streams/' + encodeURIComponent(state.streamId));
  } catch (e) {
    showError('Cannot load the final numbers of the ended sales: ' + e.message);
    return;
  }
  (snapshot.sales || []).forEach((s) => {
    const entry = state.sales.get(s.sale.saleId);
    if (entry && entry.gone && Number(s.stock.sequence || 0) >= Number(entry.stock.sequence || 0)) {
      entry.stock = s.stock;
    }
  });
  renderSales();
}

function applySnapshot(snapshot) {
  $('stream-title').textContent = '· ' + snapshot.stream.title;
  state.products = snapshot.products || [];
  state.pinnedId = snapshot.stream.pinnedProductId || '';
  (snapshot.sales || []).forEach((s) => state.sales.set(s.sale.saleId, s));
  renderLineup();
  renderSales();
}

// ---- lineup and pin ------------------------------------------------------------------

function renderLineup() {
  const list = $('lineup');
  list.replaceChildren();
  state.products.forEach((product, index) => {
    const item = $('product-template').content.firstElementChild.cloneNode(true);
    item.dataset.productId = product.productId;
    item.classList.toggle('pinned', product.productId === state.pinnedId);
    item.querySelector('.product-name').textContent = product.name;
    item.querySelector('.product-price').textContent = money(product.priceCents);
    const pin = item.querySelector('.pin');
    pin.textContent = product.productId === state.pinnedId ? 'Unpin' : 'Pin';
    pin.addEventListener('click', () => pinProduct(product.productId === state.pinnedId ? '' : product.productId));
    item.querySelector('.up').disabled = index === 0;
    item.querySelector('.down').disabled = index === state.products.length - 1;
    item.querySelector('.up').addEventListener('click', () => move(index, -1));
    item.querySelector('.down').addEventListener('click', () => move(index, 1));
    item.querySelector('.remove').addEventListener('click', () => removeProduct(product));
    list.append(item);
  });
  const select = $('sale-product');
  const chosen = select.value;
  select.replaceChildren(...state.products.map((p) => new Option(`${p.name} (${money(p.priceCents)})`, p.productId)));
  if (state.products.some((p) => p.productId === chosen)) select.value = chosen;
}

async function pinProduct(productId) {
  const stream = await act(() => api('POST', `/api/streams/${state.streamId}/pin`, { productId }),
    productId ? 'Pinned: viewers see it now.' : 'Unpinned.');
  if (stream) {
    state.pinnedId = stream.pinnedProductId || '';
    renderLineup();
  }
}

async function move(index, by) {
  const ids = state.products.map((p) => p.productId);
  [ids[index], ids[index + by]] = [ids[index + by], ids[index]];
  const lineup = await act(() => api('POST', `/api/streams/${state.streamId}/lineup`, { productIds: ids }));
  if (lineup) {
    state.products = lineup.products || [];
    renderLineup();
  }
}

async function removeProduct(product) {
  const lineup = await act(() => api('DELETE', `/api/streams/${state.streamId}/products/${product.productId}`),
    `Removed ${product.name} from the lineup.`);
  if (lineup) {
    state.products = lineup.products || [];
    if (!state.products.some((p) => p.productId === state.pinnedId)) state.pinnedId = '';
    renderLineup();
  }
}

async function addProduct(event) {
  event.preventDefault();
  const name = $('product-name').value.trim();
  const imageUrl = $('product-image').value.trim();
  const price = parseMoney($('product-price').value);
  if (!name) return showError('The product needs a name.');
  if (price === null) return showError('The price must be an amount like 29.00, not negative.');
  const product = await act(() => api('POST', `/api/streams/${state.streamId}/products`,
    { name, imageUrl, priceCents: price }), `Added ${name} to the lineup.`);
  if (product) {
    if (!state.products.some((p) => p.productId === product.productId)) state.products.push(product);
    renderLineup();
    $('product-form').reset();
  }
}

// ---- flash sales ---------------------------------------------------------------------

/** How long Launch, pressed again on an unchanged form, retries the same sale. */
const LAUNCH_RETRY_WINDOW_MS = 2 * 60_000;

/** 128 random bits in hex (crypto.randomUUID needs HTTPS; a console may be served over HTTP). */
function randomKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function launchSale(event) {
  event.preventDefault();
  const productId = $('sale-product').value;
  const quantity = Number($('sale-quantity').value);
  const perViewerLimit = Number($('sale-limit').value);
  const price = $('sale-price').value.trim() === '' ? 0 : parseMoney($('sale-price').value);
  const countdownS = Number($('sale-countdown').value);
  const durationMin = Number($('sale-duration').value);
  if (!productId) return showError('Add a product to the lineup first: a sale sells one product.');
  if (!Number.isInteger(quantity) || quantity < 1) return showError('Quantity must be a whole number of at least 1.');
  if (!Number.isInteger(perViewerLimit) || perViewerLimit < 1) {
    return showError('The per-viewer limit must be a whole number of at least 1.');
  }
  if (price === null) return showError('The sale price must be an amount like 19.90, not negative.');
  if (!(countdownS >= 0)) return showError('The countdown must be 0 or more seconds.');
  if (!(durationMin > 0)) return showError('The duration must be more than 0 minutes.');
  // One key per sale as the form describes it: pressing Launch again after a failure or a
  // timeout sends the same key, so the host never launches the sale twice. A press minutes
  // later is another sale, not a retry: the key lapses.
  if (!state.launchKey || Date.now() - state.launchKey.since > LAUNCH_RETRY_WINDOW_MS) {
    state.launchKey = { key: randomKey(), since: Date.now() };
  }
  const sale = await act(() => api('POST', `/api/streams/${state.streamId}/sales`, {
    productId, quantity, perViewerLimit, priceCents: price,
    countdownMs: Math.round(countdownS * 1000), durationMs: Math.round(durationMin * 60_000),
    launchKey: state.launchKey.key,
  }), 'Flash sale launched.');
  if (sale) state.launchKey = null;
  if (sale && !state.sales.has(sale.saleId)) {
    state.sales.set(sale.saleId, { sale, stock: { saleId: sale.saleId, quantity: sale.quantity,
      available: sale.quantity, held: 0, sold: 0, sequence: 0, state: 'SALE_STATE_SCHEDULED' } });
    renderSales();
  }
}

async function changeSale(saleId, action, quantity) {
  const status = await act(() => api('POST', `/api/streams/${state.streamId}/sales/${saleId}`, { action, quantity }),
    action === 'SALE_ACTION_STOP' ? 'Sale stopped.' : 'Sale restocked.');
  if (status) {
    const entry = state.sales.get(saleId);
    if (!entry || Number(status.stock.sequence) >= Number(entry.stock.sequence || 0)) {
      state.sales.set(saleId, entry && entry.gone ? { ...status, gone: true } : status);
    }
    renderSales();
  }
}

function ended({ sale, stock, gone }) {
  return gone || stock.state === 'SALE_STATE_ENDED' || now() >= Number(sale.endsAtMs);
}

function renderSales() {
  const list = $('sales');
  list.replaceChildren();
  [...state.sales.values()].reverse().forEach((entry) => {
    const { sale, stock } = entry;
    const item = $('sale-template').content.firstElementChild.cloneNode(true);
    item.dataset.saleId = sale.saleId;
    item.classList.toggle('ended', ended(entry));
    const product = state.products.find((p) => p.productId === sale.productId);
    item.querySelector('.sale-name').textContent = `${product ? product.name : sale.productId} · ${money(sale.priceCents)}`;
    item.querySelector('.sale-stock').textContent =
      `sold ${(stock.held || 0) + (stock.sold || 0)} (paid ${stock.sold || 0}) · left ${stock.available || 0}/${stock.quantity || sale.quantity}`;
    item.querySelector('.stop').addEventListener('click', () => changeSale(sale.saleId, 'SALE_ACTION_STOP'));
    item.querySelector('.restock').addEventListener('click', () => {
      const quantity = Number(item.querySelector('.restock-quantity').value);
      if (!Number.isInteger(quantity) || quantity < 1) {
        return showError('Restock to a whole number of units of at least 1 (the sale\'s new total).');
      }
      return changeSale(sale.saleId, 'SALE_ACTION_RESTOCK', quantity);
    });
    item.querySelector('.actions').hidden = ended(entry);
    list.append(item);
  });
  tickClocks();
  renderTotals();
}

function tickClocks() {
  const at = now();
  document.querySelectorAll('#sales li').forEach((item) => {
    const entry = state.sales.get(item.dataset.saleId);
    if (!entry) return;
    const starts = Number(entry.sale.startsAtMs);
    const ends = Number(entry.sale.endsAtMs);
    item.querySelector('.sale-clock').textContent = ended(entry) ? 'ended'
      : at < starts ? `starts in ${Math.ceil((starts - at) / 1000)} s`
        : `ends in ${Math.ceil((ends - at) / 1000)} s`;
    item.classList.toggle('ended', ended(entry));
    item.querySelector('.actions').hidden = ended(entry);
  });
}

function unitsOrdered() {
  let units = 0;
  state.sales.forEach(({ stock }) => { units += (stock.held || 0) + (stock.sold || 0); });
  return units;
}

function renderTotals() {
  let left = 0;
  let gmv = 0;
  state.sales.forEach((entry) => {
    const { sale, stock } = entry;
    if (!ended(entry)) left += stock.available || 0;
    gmv += ((stock.held || 0) + (stock.sold || 0)) * Number(sale.priceCents || 0);
  });
  $('stat-sold').textContent = unitsOrdered();
  $('stat-left').textContent = left;
  $('stat-gmv').textContent = money(gmv);
}

// ---- live numbers and chart ------------------------------------------------------------

function applyCounters(counters) {
  state.chatTotal = Number(counters.chatMessages || 0);
  $('stat-viewers').textContent = counters.viewers || 0;
  $('stat-likes').textContent = counters.likes || 0;
  renderChatRate();
}

/**
 * Chat messages per minute over the last minute. Counters come only when a value changed,
 * so the rate is sampled on the console's timer too: when chat stops, it falls to 0.
 */
function renderChatRate() {
  const at = Date.now();
  const samples = state.chatSamples;
  if (samples.length && state.chatTotal < samples[samples.length - 1][1]) samples.length = 0; // counted afresh
  samples.push([at, state.chatTotal]);
  while (samples.length > 1 && samples[0][0] < at - 60_000) samples.shift();
  const [firstTime, firstCount] = samples[0];
  const perMinute = at - firstTime >= 1000 ? Math.round((state.chatTotal - firstCount) * 60_000 / (at - firstTime)) : 0;
  $('stat-chat-rate').textContent = Math.max(0, perMinute);
}

function sampleUnits() {
  const units = unitsOrdered();
  state.unitSamples.push(state.lastUnits === null ? 0 : Math.max(0, units - state.lastUnits));
  state.lastUnits = units;
  if (state.unitSamples.length > 60) state.unitSamples.shift();
  drawChart();
}

function drawChart() {
  const canvas = $('chart');
  // Drawn at the size it is shown, in device pixels, so text and bars stay sharp.
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = w * devicePixelRatio;
  canvas.height = h * devicePixelRatio;
  const g = canvas.getContext('2d');
  g.scale(devicePixelRatio, devicePixelRatio);
  const max = Math.max(1, ...state.unitSamples);
  const width = w / 60;
  g.fillStyle = '#e33';
  state.unitSamples.forEach((units, i) => {
    const height = (units / max) * (h - 16);
    g.fillRect((60 - state.unitSamples.length + i) * width, h - height, width - 1, height);
  });
  g.fillStyle = '#666';
  g.font = '11px system-ui';
  g.fillText(`units ordered per 5 s (max ${max}), last 5 min`, 4, 12);
}

async function refreshOrders() {
  let answer;
  try {
    answer = await api('GET', `/api/streams/${state.streamId}/orders?limit=100`);
  } catch (e) {
    showError('Cannot load orders: ' + e.message);
    return;
  }
  const orders = answer.orders || [];
  const rows = orders.slice(0, 50).map((order) => {
    const row = document.createElement('tr');
    row.dataset.orderId = order.orderId;
    const product = state.products.find((p) => p.productId === order.productId);
    [new Date(Number(order.createdAtMs)).toLocaleTimeString(), order.viewerId, product ? product.name : order.productId,
      order.quantity, money(order.quantity * Number(order.priceCents || 0)),
      (order.status || '').replace('ORDER_STATUS_', '').toLowerCase()].forEach((text) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    });
    return row;
  });
  $('orders').replaceChildren(...rows);
  const lastMinute = orders.filter((o) => Number(o.createdAtMs) >= now() - 60_000).length;
  $('stat-order-rate').textContent = lastMinute;
}

// ---- chat and moderation ---------------------------------------------------------------

function addChat(message) {
  const item = $('chat-template').content.firstElementChild.cloneNode(true);
  item.dataset.messageId = message.messageId;
  item.querySelector('.chat-viewer').textContent = message.viewerId;
  item.querySelector('.chat-text').textContent = message.text;
  item.querySelector('.delete').addEventListener('click', () => moderate({ deleteMessageId: message.messageId },
    'Message deleted for everyone.'));
  item.querySelector('.mute').addEventListener('click', () => moderate({ muteViewerId: message.viewerId },
    `${message.viewerId} is muted.`));
  $('chat').append(item);
  while ($('chat').children.length > 200) $('chat').firstElementChild.remove();
  $('chat').scrollTop = $('chat').scrollHeight;
}

function applyChatSettings(settings) {
  state.chatSettings = settings;
  $('chat-enabled').checked = !settings.chatOff;
  const seconds = String(settings.slowModeSeconds || 0);
  const select = $('slow-mode');
  if (![...select.options].some((o) => o.value === seconds)) {
    // Set elsewhere (the API takes 0..3600): shown as it is, in order.
    const option = new Option(`${seconds} s`, seconds);
    const after = [...select.options].find((o) => Number(o.value) > Number(seconds));
    select.add(option, after || null);
  }
  select.value = seconds;
}

/** A moderation call; the stream's chat rules as the server answers them, or as they were if it failed. */
async function moderate(action, success) {
  const settings = await act(() => api('POST', `/api/streams/${state.streamId}/moderation`, action), success);
  applyChatSettings(settings || state.chatSettings);
  return settings;
}

function parseMoney(text) {
  const value = Number(String(text).trim().replace(',', '.'));
  return String(text).trim() === '' || !Number.isFinite(value) || value < 0 ? null : Math.round(value * 100);
}

$('signin-form').addEventListener('submit', signIn);
$('dev-token').addEventListener('click', devToken);
$('product-form').addEventListener('submit', addProduct);
$('sale-form').addEventListener('submit', launchSale);
// Another sale from now on: a changed form gets a new launch key.
$('sale-form').addEventListener('input', () => { state.launchKey = null; });
$('sale-form').addEventListener('change', () => { state.launchKey = null; });
$('chat-enabled').addEventListener('change', (e) => moderate({ chatEnabled: e.target.checked },
  e.target.checked ? 'Chat is on.' : 'Chat is off for everyone.'));
$('slow-mode').addEventListener('change', (e) => moderate({ slowModeSeconds: Number(e.target.value) },
  Number(e.target.value) ? `Slow mode: one message per ${e.target.value} s.` : 'Slow mode off.'));
setInterval(() => { if (state.streamId) { tickClocks(); renderTotals(); } }, 500);
setInterval(() => { if (state.streamId) renderChatRate(); }, 1000);
const params = new URLSearchParams(location.search);
if (params.get('stream')) $('signin-stream').value = params.get('stream');
