// The main window's entry (Electron and browser mode alike).
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api.js';
import { App } from './App.js';
import { PortholeStore } from './state/store.js';
import './styles/theme.css';
import './styles/app.css';
import './styles/table.css';
import './styles/panels.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');
const api = getApi();
const store = new PortholeStore();
// Ask for the first snapshot before React's first render, not after it: in browser mode the
// server serialises the snapshot (and the socket connects) while the page builds. <App> joins this
// subscription; it lasts as long as the page.
store.connect(api);
// A transition renders the empty shell in slices, so the socket's open event (which sends the
// ready handshake) is not held up behind it. The data's own render is not a transition.
startTransition(() =>
  createRoot(root).render(
    <StrictMode>
      <App api={api} store={store} />
    </StrictMode>,
  ),
);
