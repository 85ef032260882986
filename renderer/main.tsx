// The main window's entry (Electron and browser mode alike).
import { StrictMode } from 'react';
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
createRoot(root).render(
  <StrictMode>
    <App api={getApi()} store={new PortholeStore()} />
  </StrictMode>,
);
