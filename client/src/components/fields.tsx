// Form fields with their label, hint and error wired to the control, so assistive technology reads
// all three and a click on the label focuses the control.
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';

interface FieldFrame {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  /** Keep the label for assistive technology only (e.g. a search box under a visible heading). */
  hideLabel?: boolean;
}

function describedBy(hintId: string | undefined, errorId: string | undefined): string | undefined {
  const ids = [hintId, errorId].filter(Boolean).join(' ');
  return ids === '' ? undefined : ids;
}

function useFieldIds(hint: ReactNode, error: string | null | undefined) {
  const id = useId();
  return {
    id,
    hintId: hint ? `${id}-hint` : undefined,
    errorId: error ? `${id}-error` : undefined,
  };
}

type FieldIds = ReturnType<typeof useFieldIds>;

/** The attributes that tie a control to its label, hint and error. */
function controlAttributes(ids: FieldIds, error: string | null | undefined) {
  return {
    id: ids.id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(ids.hintId, ids.errorId),
  };
}

function Messages({
  ids,
  hint,
  error,
}: {
  ids: FieldIds;
  hint: ReactNode;
  error: string | null | undefined;
}) {
  return (
    <>
      {hint && (
        <div id={ids.hintId} className="field__hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={ids.errorId} className="field__error">
          {error}
        </div>
      )}
    </>
  );
}

function Frame({
  ids,
  label,
  hint,
  error,
  hideLabel,
  children,
}: FieldFrame & { ids: FieldIds; children: ReactNode }) {
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={ids.id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {children}
      <Messages ids={ids} hint={hint} error={error} />
    </div>
  );
}

export type TextFieldProps = FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

export function TextField({ label, hint, error, hideLabel, className, ...input }: TextFieldProps) {
  const ids = useFieldIds(hint, error);
  return (
    <Frame ids={ids} label={label} hint={hint} error={error} hideLabel={hideLabel}>
      <input
        {...input}
        {...controlAttributes(ids, error)}
        className={className ? `input ${className}` : 'input'}
      />
    </Frame>
  );
}

/** A search box: a labelled `type="search"` input (Escape clears it in browsers). */
export function SearchField(props: Omit<TextFieldProps, 'type'>) {
  return <TextField {...props} type="search" autoComplete="off" />;
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export type SelectFieldProps = FieldFrame &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { options: readonly SelectOption[] };

export function SelectField({
  label,
  hint,
  error,
  hideLabel,
  options,
  className,
  ...select
}: SelectFieldProps) {
  const ids = useFieldIds(hint, error);
  return (
    <Frame ids={ids} label={label} hint={hint} error={error} hideLabel={hideLabel}>
      <select
        {...select}
        {...controlAttributes(ids, error)}
        className={className ? `input select ${className}` : 'input select'}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export type CheckboxFieldProps = Omit<FieldFrame, 'hideLabel'> &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'>;

export function CheckboxField({ label, hint, error, className, ...input }: CheckboxFieldProps) {
  const ids = useFieldIds(hint, error);
  return (
    <div className={error ? 'field field--checkbox field--invalid' : 'field field--checkbox'}>
      <input
        {...input}
        {...controlAttributes(ids, error)}
        type="checkbox"
        className={className ? `checkbox ${className}` : 'checkbox'}
      />
      <label htmlFor={ids.id} className="field__label">
        {label}
      </label>
      <Messages ids={ids} hint={hint} error={error} />
    </div>
  );
}

export interface RadioOption<V extends string> {
  value: V;
  label: string;
  hint?: ReactNode;
}

/** One choice out of a few, all in view: a fieldset whose legend names the question. */
export function RadioGroup<V extends string>({
  legend,
  name,
  value,
  options,
  disabled,
  onChange,
}: {
  legend: string;
  name: string;
  value: V;
  options: readonly RadioOption<V>[];
  disabled?: boolean;
  onChange: (value: V) => void;
}) {
  const id = useId();
  return (
    <fieldset className="field radio-group" disabled={disabled}>
      <legend className="field__label">{legend}</legend>
      {options.map((o) => (
        <div key={o.value} className="field--checkbox">
          <input
            id={`${id}-${o.value}`}
            type="radio"
            className="checkbox"
            name={name}
            value={o.value}
            checked={value === o.value}
            aria-describedby={o.hint ? `${id}-${o.value}-hint` : undefined}
            onChange={() => onChange(o.value)}
          />
          <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
          {o.hint && (
            <div id={`${id}-${o.value}-hint`} className="field__hint">
              {o.hint}
            </div>
          )}
        </div>
      ))}
    </fieldset>
  );
}
