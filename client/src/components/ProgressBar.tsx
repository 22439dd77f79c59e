import { formatCount, formatRate, formatRemaining } from './format.ts';

export type ProgressStatus = 'running' | 'paused' | 'done' | 'failed';

export interface ProgressBarProps {
  label: string;
  value: number;
  /** Null while the total is not known yet (an indeterminate bar). */
  max: number | null;
  unit?: 'items' | 'bytes';
  perSecond?: number | null;
  secondsLeft?: number | null;
  status?: ProgressStatus;
  /** Formats value and max, e.g. as bytes; counts by default. */
  format?: (n: number) => string;
}

/** The words under the bar: "1,200 of 5,000 · 40 per second · about 2 min left". */
export function progressText({
  value,
  max,
  unit = 'items',
  perSecond = null,
  secondsLeft = null,
  status = 'running',
  format = formatCount,
}: Omit<ProgressBarProps, 'label'>): string {
  const parts = [max === null ? format(value) : `${format(value)} of ${format(max)}`];
  if (status === 'paused') parts.push('paused');
  else if (status === 'failed') parts.push('stopped by an error');
  else if (status === 'done') parts.push('done');
  else {
    if (perSecond !== null && perSecond > 0) parts.push(formatRate(perSecond, unit));
    if (secondsLeft !== null) parts.push(`${formatRemaining(secondsLeft)} left`);
  }
  return parts.join(' · ');
}

export function ProgressBar(props: ProgressBarProps) {
  const { label, value, max, status = 'running' } = props;
  const fraction = max === null || max <= 0 ? null : Math.min(1, Math.max(0, value / max));
  const text = progressText(props);
  return (
    <div className={`progress progress--${status}`}>
      <div className="progress__label">{label}</div>
      <div
        className="progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max ?? undefined}
        aria-valuenow={max === null ? undefined : Math.min(value, max)}
        aria-valuetext={text}
      >
        <div
          className={fraction === null ? 'progress__fill progress__fill--indeterminate' : 'progress__fill'}
          style={fraction === null ? undefined : { width: `${(fraction * 100).toFixed(2)}%` }}
        />
      </div>
      <div className="progress__text">{text}</div>
    </div>
  );
}
