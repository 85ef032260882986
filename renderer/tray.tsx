// The tray quick-view's entry: a small popup over the same api and store.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api.js';
import { TrayApp } from './components/tray/TrayApp.js';
import { PortholeStore } from './state/store.js';
import './styles/theme.css';
import './styles/panels.css';
import './styles/tray.css';

const root = document.getElementById('root');
if (!root) throw new Error('tray.html lost its #root element');
createRoot(root).render(
  <StrictMode>
    <TrayApp api={getApi()} store={new PortholeStore()} />
  </StrictMode>,
);
