// Plays Pipedrive's part of the app extensions SDK protocol (see the SDK's dist/index.js): the panel
// posts {payload, id} to this window with a MessagePort; commands are answered on that port with
// {data} or {error}; listeners keep their port and get {data} for every event. Everything is logged
// on window.harness for the tests.

const INITIALIZE_LIMIT_MS = 10_000;

const log = [];
const state = { initialized: false, hidden: false, theme: 'light', heights: [], snackbars: [] };
const listeners = new Map();
const frame = document.getElementById('panel');
const status = document.getElementById('host-status');
const query = new URLSearchParams(location.search);

async function signedToken() {
  const res = await fetch('/signed-token', { method: 'POST' });
  const { token } = await res.json();
  return token;
}

function setTheme(theme) {
  state.theme = theme;
  document.documentElement.dataset.theme = theme;
  for (const port of listeners.get('user_settings_change') ?? []) port.postMessage({ data: { theme } });
  log.push({ type: 'event', event: 'user_settings_change', data: { theme } });
}

function showSnackbar({ message, link }) {
  state.snackbars.push(message);
  const bar = document.getElementById('snackbar');
  bar.textContent = message;
  if (link) {
    const a = document.createElement('a');
    a.href = link.url;
    a.textContent = link.label;
    bar.append(' ', a);
  }
}

function askConfirmation(args) {
  return new Promise((resolve) => {
    const box = document.getElementById('confirmation');
    const ok = document.getElementById('confirmation-ok');
    const cancel = document.getElementById('confirmation-cancel');
    document.getElementById('confirmation-title').textContent = args.title;
    document.getElementById('confirmation-description').textContent = args.description ?? '';
    ok.textContent = args.okText ?? 'OK';
    ok.dataset.color = args.okColor ?? 'negative';
    cancel.textContent = args.cancelText ?? 'Cancel';
    box.hidden = false;
    const answer = (confirmed) => {
      box.hidden = true;
      ok.onclick = null;
      cancel.onclick = null;
      resolve(confirmed);
    };
    ok.onclick = () => answer(true);
    cancel.onclick = () => answer(false);
  });
}

async function runCommand(command, args) {
  if (command === 'initialize') {
    state.initialized = true;
    status.textContent = 'The panel initialised.';
    return undefined;
  }
  if (!state.initialized) throw new Error('The extension is not initialised');
  switch (command) {
    case 'resize':
      if (typeof args?.height === 'number') {
        state.heights.push(args.height);
        frame.style.height = `${args.height}px`;
      }
      return undefined;
    case 'show_snackbar':
      showSnackbar(args);
      return undefined;
    case 'show_confirmation':
      return { confirmed: await askConfirmation(args) };
    case 'get_signed_token':
      return { token: await signedToken() };
    default:
      throw new Error(`The host harness does not support ${command}`);
  }
}

function listen(id) {
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow) return;
    const { payload, id: from } = event.data ?? {};
    const port = event.ports[0];
    if (!payload || from !== id) {
      log.push({ type: 'foreign', data: event.data });
      port?.postMessage({ error: 'Unknown extension id' });
      return;
    }
    if (payload.type === 'track') {
      log.push({ type: 'track', event: payload.event });
      return;
    }
    if (payload.type === 'listener') {
      log.push({ type: 'listener', event: payload.event });
      if (!listeners.has(payload.event)) listeners.set(payload.event, new Set());
      listeners.get(payload.event).add(port);
      return;
    }
    log.push({ type: 'command', command: payload.command, args: payload.args ?? null });
    try {
      port.postMessage({ data: await runCommand(payload.command, payload.args) });
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  });
}

async function open() {
  const config = await (await fetch('/config.json')).json();
  const id = crypto.randomUUID();
  const theme = query.get('theme') === 'dark' ? 'dark' : 'light';
  state.theme = theme;
  document.documentElement.dataset.theme = theme;
  if (query.get('width')) frame.style.setProperty('--panel-width', `${Number(query.get('width'))}px`);
  document.getElementById('theme-light').onclick = () => setTheme('light');
  document.getElementById('theme-dark').onclick = () => setTheme('dark');
  listen(id);
  // The same query Pipedrive puts on a custom UI extension's iframe URL.
  const params = new URLSearchParams({
    id,
    companyId: String(config.companyId),
    userId: String(config.userId),
    token: await signedToken(),
    theme,
  });
  frame.src = `${config.panelOrigin}${query.get('path') ?? '/'}?${params}`;
  // Pipedrive hides an extension that has not initialised within 10 seconds.
  setTimeout(() => {
    if (state.initialized) return;
    state.hidden = true;
    frame.hidden = true;
    status.textContent = 'The panel did not initialise within 10 seconds and was hidden.';
  }, INITIALIZE_LIMIT_MS);
}

window.harness = { log, state, setTheme };
open();
