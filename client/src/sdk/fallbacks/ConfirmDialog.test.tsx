import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog.tsx';

describe('ConfirmDialog', () => {
  it('uses OK and Cancel when no texts are given, and a red confirm button', () => {
    render(<ConfirmDialog title="Roll back?" onAnswer={() => {}} />);
    expect(screen.getByRole('button', { name: 'OK' }).className).toBe(
      'button button--negative button--medium',
    );
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('cancels on Escape', async () => {
    const onAnswer = vi.fn();
    render(<ConfirmDialog title="Roll back?" onAnswer={onAnswer} />);
    await userEvent.keyboard('{Escape}');
    expect(onAnswer).toHaveBeenCalledWith(false);
  });

  it('keeps Tab inside the dialog', async () => {
    render(<ConfirmDialog title="Roll back?" okText="Roll back" onAnswer={() => {}} />);
    expect(document.activeElement?.textContent).toBe('Cancel');
    await userEvent.tab();
    expect(document.activeElement?.textContent).toBe('Roll back');
    await userEvent.tab();
    expect(document.activeElement?.textContent).toBe('Cancel');
    await userEvent.tab({ shift: true });
    expect(document.activeElement?.textContent).toBe('Roll back');
  });

  it('gives focus back to where it was when it closes', () => {
    const before = document.createElement('button');
    document.body.append(before);
    before.focus();
    const view = render(<ConfirmDialog title="Roll back?" onAnswer={() => {}} />);
    expect(document.activeElement?.textContent).toBe('Cancel');
    view.unmount();
    expect(document.activeElement).toBe(before);
    before.remove();
  });
});
