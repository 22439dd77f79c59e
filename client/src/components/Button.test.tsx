import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { Button, LinkButton } from './Button.tsx';

describe('Button', () => {
  it('is a plain button (never submits a form by accident) in the secondary style by default', () => {
    render(<Button>Save</Button>);
    const button = screen.getByRole('button', { name: 'Save' });
    expect(button.getAttribute('type')).toBe('button');
    expect(button.className).toBe('button button--secondary button--medium');
  });

  it('takes the variant and size', () => {
    render(
      <Button variant="negative" size="small">
        Roll back
      </Button>,
    );
    expect(screen.getByRole('button').className).toBe('button button--negative button--small');
  });

  it('is disabled and announced as busy while working, and ignores clicks', async () => {
    const onClick = vi.fn();
    render(
      <Button busy onClick={onClick}>
        Uploading
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Uploading' });
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    await userEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('runs its action from the keyboard', async () => {
    const onClick = vi.fn();
    render(<Button onClick={onClick}>Run</Button>);
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard(' ');
    expect(onClick).toHaveBeenCalledTimes(2);
  });
});

describe('LinkButton', () => {
  it('is a link that looks like a button', () => {
    render(
      <MemoryRouter>
        <LinkButton to="/migrations" variant="primary">
          Start
        </LinkButton>
      </MemoryRouter>,
    );
    const link = screen.getByRole('link', { name: 'Start' });
    expect(link.getAttribute('href')).toBe('/migrations');
    expect(link.className).toBe('button button--primary button--medium');
  });
});
