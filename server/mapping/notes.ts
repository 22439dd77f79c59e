// The note a Person gets for the companies it belongs to besides the one its Organization link shows
// (Pipedrive links a Person to one Organization). The engine only sends it. Pure.
import type { StagedPersonInput } from './payload-read.ts';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The companies of a person other than the primary one, in Actimo order. */
export function secondaryOrganizations(person: StagedPersonInput): string[] {
  const links = person.memberships ?? [];
  if (links.length > 0) {
    const primary = links.find((l) => l.isPrimary)?.organizationId ?? links[0]?.organizationId;
    return links.map((l) => l.organizationId).filter((id) => id !== primary);
  }
  const ids = person.values.companyIds;
  return Array.isArray(ids) ? ids.slice(1).map(String) : [];
}

/**
 * HTML for the secondary-organizations note, or null when the person has one company or none. Names
 * come from the companies export; an id it does not know is shown as the id alone.
 */
export function secondaryOrganizationsNote(
  person: StagedPersonInput,
  nameOf: (actimoCompanyId: string) => string | undefined,
): string | null {
  const others = secondaryOrganizations(person);
  if (others.length === 0) return null;
  const items = others.map((id) => {
    const name = nameOf(id);
    return `<li>${name ? `${escapeHtml(name)} (Actimo company ${escapeHtml(id)})` : `Actimo company ${escapeHtml(id)}`}</li>`;
  });
  return `<p>Also works for ${others.length === 1 ? 'this company' : 'these companies'} in Actimo:</p><ul>${items.join('')}</ul><p>Actimo user ${escapeHtml(person.actimoId)}</p>`;
}
