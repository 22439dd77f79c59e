// Several files (or a zip) by drag and drop, or through the file picker. The zone is the label of a
// visually hidden but focusable file input inside it, so a click anywhere, Enter or Space opens the picker and
// screen readers announce it as a file chooser.
import { type DragEvent, type ReactNode, useId, useRef, useState } from 'react';

export interface RejectedFile {
  name: string;
  reason: string;
}

export interface FileDropzoneProps {
  label: string;
  hint?: ReactNode;
  /** Accepted extensions, lower case with the dot: ['.csv', '.zip']. Everything when absent. */
  accept?: readonly string[];
  multiple?: boolean;
  disabled?: boolean;
  onFiles(files: File[]): void;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

function listExtensions(accept: readonly string[]): string {
  return accept.length === 1 ? accept[0]! : `${accept.slice(0, -1).join(', ')} or ${accept.at(-1)}`;
}

/** Splits what was dropped or picked into files we take and files we say no to, with the reason. */
export function sortFiles(
  files: readonly File[],
  accept: readonly string[] | undefined,
  folders: ReadonlySet<string> = new Set(),
): { accepted: File[]; rejected: RejectedFile[] } {
  const accepted: File[] = [];
  const rejected: RejectedFile[] = [];
  for (const file of files) {
    if (folders.has(file.name)) {
      rejected.push({ name: file.name, reason: 'is a folder: drop the files inside it, or a zip of them' });
    } else if (accept && accept.length > 0 && !accept.includes(extensionOf(file.name))) {
      rejected.push({ name: file.name, reason: `is not a ${listExtensions(accept)} file` });
    } else {
      accepted.push(file);
    }
  }
  return { accepted, rejected };
}

function droppedFolders(e: DragEvent): Set<string> {
  const folders = new Set<string>();
  for (const item of Array.from(e.dataTransfer.items ?? [])) {
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry?.isDirectory) folders.add(entry.name);
  }
  return folders;
}

export function FileDropzone({
  label,
  hint,
  accept,
  multiple = true,
  disabled = false,
  onFiles,
}: FileDropzoneProps) {
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const [rejected, setRejected] = useState<RejectedFile[]>([]);
  // dragenter/dragleave fire for every child the pointer crosses; count them to know when it really left.
  const depth = useRef(0);

  const take = (files: readonly File[], folders?: Set<string>) => {
    const chosen = multiple ? files : files.slice(0, 1);
    const sorted = sortFiles(chosen, accept, folders);
    setRejected(sorted.rejected);
    if (sorted.accepted.length > 0) onFiles(sorted.accepted);
  };

  const onDragEnter = (e: DragEvent) => {
    e.preventDefault();
    if (disabled) return;
    depth.current += 1;
    setDragging(true);
  };
  const onDragLeave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDragOver = (e: DragEvent) => {
    // Without preventDefault the browser would open the file instead of dropping it here.
    e.preventDefault();
    e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    depth.current = 0;
    setDragging(false);
    if (disabled) return;
    take(Array.from(e.dataTransfer.files), droppedFolders(e));
  };

  const classes = ['dropzone', dragging && 'dropzone--active', disabled && 'dropzone--disabled']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label
        htmlFor={id}
        className={classes}
        onDragEnter={onDragEnter}
        onDragLeave={onDragLeave}
        onDragOver={onDragOver}
        onDrop={onDrop}
      >
        <span className="dropzone__title" id={`${id}-title`}>
          {label}
        </span>
        <span className="dropzone__body">
          {dragging ? 'Drop to add them' : 'Drag and drop files here, or '}
          {!dragging && <span className="dropzone__link">choose files</span>}
        </span>
        {hint && (
          <span className="dropzone__hint" id={`${id}-hint`}>
            {hint}
          </span>
        )}
        <input
          id={id}
          type="file"
          className="visually-hidden"
          multiple={multiple}
          disabled={disabled}
          accept={accept?.join(',')}
          aria-labelledby={`${id}-title`}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(e) => {
            take(Array.from(e.currentTarget.files ?? []));
            // Picking the same file again must fire change again.
            e.currentTarget.value = '';
          }}
        />
      </label>
      {rejected.length > 0 && (
        <ul className="field__error dropzone__rejected" role="alert">
          {rejected.map((r) => (
            <li key={r.name}>
              {r.name} was not added: it {r.reason}.
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
