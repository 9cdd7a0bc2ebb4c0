import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { benchGranules, showSyntheticGuest } from './benchGuest.ts';
import { startEngine } from './store.ts';
import './styles.css';

const synthetic = benchGranules(location.search);
if (synthetic === null) startEngine();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
if (synthetic !== null) showSyntheticGuest(synthetic);
