// Runs sandboxed, before the page, in an isolated world: exposes window.porthole and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createPortholeApi } from './api.js';

contextBridge.exposeInMainWorld('porthole', createPortholeApi(ipcRenderer));
