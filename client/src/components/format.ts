// How numbers, sizes and durations read in the panel (English, the language of the panel).

const count = new Intl.NumberFormat('en-US');
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return count.format(n);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Bytes in powers of 1024 with at most one decimal: "1.5 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? count.format(value) : oneDecimal.format(value)} ${UNITS[unit]}`;
}

/** A remaining time as people say it: "less than a minute", "about 4 min", "about 1 h 20 min". */
export function formatRemaining(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h` : `about ${hours} h ${rest} min`;
}

/** A rate per second, switching to per minute when it is slow enough to read better that way. */
export function formatRate(perSecond: number, unit: 'items' | 'bytes' = 'items'): string {
  if (unit === 'bytes') return `${formatBytes(perSecond)}/s`;
  if (perSecond > 0 && perSecond < 1) return `${oneDecimal.format(perSecond * 60)} per minute`;
  return `${oneDecimal.format(perSecond)} per second`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A moment in the viewer's time zone, with the month in words so day and month cannot be mixed up: "24 Nov 2026, 09:30". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}
