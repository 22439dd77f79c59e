import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FileDropzone, sortFiles } from './FileDropzone.tsx';

const csv = (name: string) => new File(['a;b\n1;2\n'], name, { type: 'text/csv' });

function dropzone(onFiles = vi.fn(), props: Partial<Parameters<typeof FileDropzone>[0]> = {}) {
  render(
    <FileDropzone
      label="Actimo exports"
      hint="CSV files or one zip, up to 2 GB"
      accept={['.csv', '.zip']}
      onFiles={onFiles}
      {...props}
    />,
  );
  return { onFiles, input: screen.getByLabelText('Actimo exports') as HTMLInputElement };
}

function dataTransfer(files: File[], folders: string[] = []) {
  return {
    files,
    items: [
      ...files.map((f) => ({ webkitGetAsEntry: () => ({ isDirectory: false, name: f.name }) })),
      ...folders.map((name) => ({ webkitGetAsEntry: () => ({ isDirectory: true, name }) })),
    ],
    dropEffect: 'none',
  };
}

describe('FileDropzone', () => {
  it('is a labelled file input that takes several files, described by its hint', () => {
    const { input } = dropzone();
    expect(input.type).toBe('file');
    expect(input.multiple).toBe(true);
    expect(input.accept).toBe('.csv,.zip');
    expect(document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'CSV files or one zip, up to 2 GB',
    );
  });

  it('is reached with Tab (the zone shows the focus)', async () => {
    const { input } = dropzone();
    await userEvent.tab();
    expect(document.activeElement).toBe(input);
  });

  it('hands over the files picked in the file chooser', async () => {
    const { onFiles, input } = dropzone();
    await userEvent.upload(input, [csv('users.csv'), csv('groups.csv')]);
    expect(onFiles).toHaveBeenCalledTimes(1);
    expect(onFiles.mock.calls[0]?.[0].map((f: File) => f.name)).toEqual(['users.csv', 'groups.csv']);
  });

  it('takes dropped files, says which it refused and why', () => {
    const { onFiles } = dropzone();
    const zone = screen.getByText('Actimo exports').closest('label') as HTMLElement;
    const pdf = new File(['%PDF'], 'guide.pdf');
    fireEvent.drop(zone, {
      dataTransfer: dataTransfer([csv('Users.CSV'), pdf, csv('exports')], ['exports']),
    });
    expect(onFiles.mock.calls[0]?.[0].map((f: File) => f.name)).toEqual(['Users.CSV']);
    expect(screen.getByRole('alert').textContent).toBe(
      'guide.pdf was not added: it is not a .csv or .zip file.exports was not added: it is a folder: drop the files inside it, or a zip of them.',
    );
  });

  it('shows that a drag is over it, until it leaves', () => {
    dropzone();
    const zone = screen.getByText('Actimo exports').closest('label') as HTMLElement;
    fireEvent.dragEnter(zone, { dataTransfer: dataTransfer([]) });
    fireEvent.dragEnter(zone.querySelector('.dropzone__title') as HTMLElement, {
      dataTransfer: dataTransfer([]),
    });
    expect(zone.className).toBe('dropzone dropzone--active');
    expect(zone.textContent).toContain('Drop to add them');
    fireEvent.dragLeave(zone.querySelector('.dropzone__title') as HTMLElement);
    expect(zone.className).toBe('dropzone dropzone--active');
    fireEvent.dragLeave(zone);
    expect(zone.className).toBe('dropzone');
  });

  it('takes nothing while disabled', () => {
    const { onFiles, input } = dropzone(vi.fn(), { disabled: true });
    const zone = screen.getByText('Actimo exports').closest('label') as HTMLElement;
    fireEvent.drop(zone, { dataTransfer: dataTransfer([csv('users.csv')]) });
    expect(onFiles).not.toHaveBeenCalled();
    expect(input.disabled).toBe(true);
  });

  it('keeps only the first file when it takes one', async () => {
    const { onFiles, input } = dropzone(vi.fn(), { multiple: false });
    fireEvent.change(input, { target: { files: [csv('a.csv'), csv('b.csv')] } });
    expect(onFiles.mock.calls[0]?.[0].map((f: File) => f.name)).toEqual(['a.csv']);
  });
});

describe('sortFiles', () => {
  it('accepts everything when no extensions are given', () => {
    const files = [new File([''], 'a.txt'), new File([''], 'noextension')];
    expect(sortFiles(files, undefined)).toEqual({ accepted: files, rejected: [] });
  });

  it('names a single accepted extension plainly', () => {
    expect(sortFiles([new File([''], 'a.txt')], ['.zip']).rejected).toEqual([
      { name: 'a.txt', reason: 'is not a .zip file' },
    ]);
  });
});
