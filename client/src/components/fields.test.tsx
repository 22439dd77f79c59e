import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { CheckboxField, RadioGroup, SearchField, SelectField, TextField } from './fields.tsx';

function description(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent)
    .join(' | ');
}

describe('form fields', () => {
  it('labels a text field and ties its hint and error to it', () => {
    render(
      <TextField
        label="Profile name"
        hint="Shown when you reuse the map."
        error="Pick another name: this one exists."
      />,
    );
    const input = screen.getByRole('textbox', { name: 'Profile name' });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(description(input)).toBe('Shown when you reuse the map. | Pick another name: this one exists.');
  });

  it('is valid and undescribed with neither hint nor error', () => {
    render(<TextField label="Name" />);
    const input = screen.getByRole('textbox', { name: 'Name' });
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.hasAttribute('aria-describedby')).toBe(false);
  });

  it('focuses the control when its label is clicked', async () => {
    render(<TextField label="Name" />);
    await userEvent.click(screen.getByText('Name'));
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name' }));
  });

  it('keeps a hidden label for assistive technology on a search box', () => {
    render(<SearchField label="Search persons" hideLabel />);
    const label = screen.getByText('Search persons');
    expect(label.className).toBe('visually-hidden');
    expect(screen.getByRole('searchbox', { name: 'Search persons' })).toBeTruthy();
  });

  it('offers the options of a select and reports the choice', async () => {
    const onChange = vi.fn();
    render(
      <SelectField
        label="Kind"
        value="users"
        onChange={(e) => onChange(e.target.value)}
        options={[
          { value: 'users', label: 'Users' },
          { value: 'groups', label: 'Groups' },
        ]}
      />,
    );
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'groups');
    expect(onChange).toHaveBeenCalledWith('groups');
  });

  it('toggles a labelled checkbox', async () => {
    render(<CheckboxField label="Skip persons without email" hint="They stay in the report." />);
    const box = screen.getByRole('checkbox', { name: 'Skip persons without email' });
    await userEvent.click(screen.getByText('Skip persons without email'));
    expect((box as HTMLInputElement).checked).toBe(true);
    expect(description(box)).toBe('They stay in the report.');
  });

  it('groups radio choices under their question, each with its hint, and reports the one picked', async () => {
    const onChange = vi.fn();
    render(
      <RadioGroup
        legend="Records changed since"
        name="force"
        value="keep"
        options={[
          { value: 'keep', label: 'Keep them', hint: 'Recommended.' },
          { value: 'force', label: 'Delete them anyway' },
        ]}
        onChange={onChange}
      />,
    );
    const group = screen.getByRole('group', { name: 'Records changed since' });
    expect(group.tagName).toBe('FIELDSET');
    const keep = screen.getByRole('radio', { name: 'Keep them' }) as HTMLInputElement;
    expect(keep.checked).toBe(true);
    expect(description(keep)).toBe('Recommended.');
    await userEvent.click(screen.getByLabelText('Delete them anyway'));
    expect(onChange).toHaveBeenCalledWith('force');
  });
});
