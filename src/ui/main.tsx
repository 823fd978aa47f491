/**
 * Browser entry: mounts the React app into #root (see index.html).
 * The simulator itself will run in a Web Worker; nothing here touches the engine.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './app.css';

const root = document.getElementById('root');
if (!root) throw new Error('Stackscope: #root element missing from index.html');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
