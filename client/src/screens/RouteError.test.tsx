import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { RouteError } from './RouteError.tsx';

function Broken(): never {
  throw new Error('Cannot read properties of undefined');
}

describe('RouteError', () => {
  it('shows a screen that crashed as an error state instead of a blank panel', () => {
    // React reports the render error on the console; the test only cares about what the user sees.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const router = createMemoryRouter([{ path: '/', element: <Broken />, errorElement: <RouteError /> }]);
    render(<RouterProvider router={router} />);
    const alert = screen.getByRole('alert', { name: 'This screen failed to show' });
    expect(alert.querySelector('.state__body')?.textContent).toBe('Cannot read properties of undefined');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    quiet.mockRestore();
  });
});
