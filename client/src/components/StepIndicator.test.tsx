import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { StepIndicator } from './StepIndicator.tsx';

const steps = [
  { id: 'upload', label: 'Upload', to: '/migrations/1/upload' },
  { id: 'map', label: 'Map', to: '/migrations/1/map' },
  { id: 'plan', label: 'Plan', to: '/migrations/1/plan' },
];

describe('StepIndicator', () => {
  it('links every step and marks the current one for assistive technology', () => {
    render(
      <MemoryRouter>
        <StepIndicator steps={steps} current="map" completed={new Set(['upload'])} />
      </MemoryRouter>,
    );
    const nav = screen.getByRole('navigation', { name: 'Migration steps' });
    const links = Array.from(nav.querySelectorAll('a'));
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('aria-current')])).toEqual(
      [
        ['✓Upload (done)', '/migrations/1/upload', null],
        ['2Map', '/migrations/1/map', 'step'],
        ['3Plan', '/migrations/1/plan', null],
      ],
    );
    expect(Array.from(nav.querySelectorAll('li')).map((li) => li.className)).toEqual([
      'steps__item steps__item--done',
      'steps__item steps__item--current',
      'steps__item steps__item--upcoming',
    ]);
  });

  it('marks no step when none is current', () => {
    render(
      <MemoryRouter>
        <StepIndicator steps={steps} current={null} />
      </MemoryRouter>,
    );
    expect(document.querySelector('[aria-current]')).toBeNull();
  });
});
