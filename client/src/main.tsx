import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createPanelRouter } from './App.tsx';
import { isInPipedrive, readLaunch } from './launch.ts';
import { connectToPipedrive } from './sdk/pipedrive-host.ts';
import './styles/index.css';

// Read the iframe's parameters before the router rewrites the URL, and start talking to Pipedrive
// before React renders anything: the 10-second start-up limit counts from page load.
const launch = readLaunch();
if (isInPipedrive(launch) && launch.identifier) {
  connectToPipedrive(launch.identifier).catch(() => {
    // The provider shows the failure (it gets the same connection).
  });
}

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <App launch={launch} router={createPanelRouter()} />
  </StrictMode>,
);
