import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// A find* query ends as soon as its element appears; the longer ceiling only matters on a busy two-core
// machine, where rendering after a resolved request can take more than the default second.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
  document.documentElement.removeAttribute('style');
});
