// Wall-clock time in a named zone → UTC, with the zone's offset at that moment (DST included), using
// only Intl. Pipedrive stores activity due dates and times in UTC.

const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetMs(instant: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * `date` (YYYY-MM-DD) and `time` (HH:MM:SS) read in `zone` ('Z', '+02:00' or an IANA name) → ISO UTC
 * ("YYYY-MM-DDTHH:MM:SSZ").
 */
export function utcFromZoned(date: string, time: string, zone: string): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s ?? 0);
  let utc: number;
  const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (zone === 'Z' || zone === 'UTC') utc = wall;
  else if (fixed) utc = wall - (fixed[1] === '-' ? -1 : 1) * (+fixed[2]! * 60 + +fixed[3]!) * 60_000;
  else {
    // Two rounds settle the offset across a DST change.
    utc = wall - offsetMs(wall, zone);
    utc = wall - offsetMs(utc, zone);
  }
  return `${new Date(utc).toISOString().slice(0, 19)}Z`;
}
